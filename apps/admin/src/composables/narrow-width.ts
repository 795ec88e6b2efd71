/** The width below which the console lays lists out as cards and folds the header into a menu. */
export const NARROW_MAX_PX = 760;
