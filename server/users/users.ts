import { hashPassword } from "better-auth/crypto";
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import type { RoleName } from "@/lib/roles";
import { recordAudit } from "../core/audit";
import { ConflictError, InvalidRequestError, NotFoundError } from "../core/errors";

export type UserRow = {
  id: string;
  name: string;
  email: string;
  roles: RoleName[];
  disabled: boolean;
  createdAt: Date;
};

const userSelect = { id: true, name: true, email: true, roles: true, disabled: true, createdAt: true } as const;

export async function listUsers(database: Db): Promise<UserRow[]> {
  return database.user.findMany({ select: userSelect, orderBy: [{ disabled: "asc" }, { name: "asc" }] });
}

/**
 * Creates a local email + password account in Better Auth's layout (a user and a
 * "credential" account holding the scrypt hash), with its audit event, atomically.
 */
export async function createUser(
  database: Db,
  actorId: string | null,
  input: { name: string; email: string; password: string; roles: RoleName[] },
): Promise<UserRow> {
  const email = input.email.trim().toLowerCase();
  const existing = await database.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw new ConflictError(`A user with email ${email} already exists.`);
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  return database.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { id, name: input.name.trim(), email, emailVerified: true, roles: [...new Set(input.roles)] },
      select: userSelect,
    });
    await tx.account.create({
      data: { id: randomUUID(), accountId: id, providerId: "credential", userId: id, password: passwordHash },
    });
    await recordAudit(tx, { actorId, action: "user.create", details: { userId: id, email, roles: user.roles } });
    return user;
  });
}

async function requireUser(database: Db, id: string) {
  const user = await database.user.findUnique({ where: { id }, select: userSelect });
  if (!user) throw new NotFoundError("User", id);
  return user;
}

export async function setUserRoles(database: Db, actorId: string, userId: string, roles: RoleName[]): Promise<UserRow> {
  const before = await requireUser(database, userId);
  const unique = [...new Set(roles)];
  // Stops the last way in from being locked out by its own hand.
  if (userId === actorId && before.roles.includes("admin") && !unique.includes("admin")) {
    throw new InvalidRequestError("You cannot remove your own admin role; ask another administrator.");
  }
  return database.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { roles: unique }, select: userSelect });
    await recordAudit(tx, {
      actorId,
      action: "user.roles",
      details: { userId, email: before.email, from: before.roles, to: unique },
    });
    return user;
  });
}

export async function setUserDisabled(
  database: Db,
  actorId: string,
  userId: string,
  disabled: boolean,
): Promise<UserRow> {
  const target = await requireUser(database, userId);
  if (userId === actorId && disabled) throw new InvalidRequestError("You cannot disable your own account.");
  return database.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { disabled }, select: userSelect });
    // Disabling signs the user out everywhere at once.
    if (disabled) await tx.session.deleteMany({ where: { userId } });
    await recordAudit(tx, {
      actorId,
      action: disabled ? "user.disable" : "user.enable",
      details: { userId, email: target.email },
    });
    return user;
  });
}
