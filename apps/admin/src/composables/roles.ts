/** Roles that may run triage actions and jobs (the API enforces it too; the console only hides buttons). */
export function canAct(role: string | null | undefined): boolean {
  return role === 'OPERATOR' || role === 'ADMIN';
}
