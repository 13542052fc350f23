/** The permission matrix of gridcare/roles.py (checked against it by tests/frontend). */
import grants from "./permissions.json";

export type Permission = keyof typeof grants;

export function allows(role: string | undefined, permission: Permission): boolean {
  return role !== undefined && (grants[permission] as string[]).includes(role);
}
