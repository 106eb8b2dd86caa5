"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ROLES, ROLE_LABELS, type RoleName } from "@/lib/roles";
import { useTRPC } from "../../trpc";

export function UsersAdmin({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.audit.list.queryKey() });
  };
  const setRoles = useMutation(trpc.users.setRoles.mutationOptions({ onSettled: refresh }));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions({ onSettled: refresh }));
  const failure = setRoles.error ?? setDisabled.error;

  if (users.isPending) return <p className="text-sm text-slate-500">Loading users…</p>;
  if (users.error)
    return (
      <p role="alert" className="text-sm text-red-700">
        Could not load users: {users.error.message}
      </p>
    );

  function toggleRole(userId: string, current: RoleName[], role: RoleName) {
    const next = current.includes(role) ? current.filter((r) => r !== role) : [...current, role];
    setRoles.mutate({ userId, roles: next });
  }

  return (
    <div className="space-y-6">
      {failure && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {failure.message}
        </p>
      )}
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-100 text-xs uppercase text-slate-600">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Email</th>
              {ROLES.map((r) => (
                <th key={r} className="px-3 py-2 text-center">
                  {ROLE_LABELS[r]}
                </th>
              ))}
              <th className="px-3 py-2">Status</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr
                key={u.id}
                data-testid={`user-row-${u.email}`}
                className={`border-t border-slate-100 ${u.disabled ? "text-slate-500" : ""}`}
              >
                <td className="px-3 py-2 font-medium">
                  {u.name}
                  {u.id === currentUserId && <span className="text-slate-500"> (you)</span>}
                </td>
                <td className="px-3 py-2">{u.email}</td>
                {ROLES.map((r) => (
                  <td key={r} className="px-3 py-2 text-center">
                    <input
                      type="checkbox"
                      aria-label={`${ROLE_LABELS[r]} role for ${u.email}`}
                      checked={u.roles.includes(r)}
                      onChange={() => toggleRole(u.id, u.roles, r)}
                    />
                  </td>
                ))}
                <td className="px-3 py-2">
                  <button
                    type="button"
                    disabled={u.id === currentUserId}
                    onClick={() => setDisabled.mutate({ userId: u.id, disabled: !u.disabled })}
                    className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-40"
                  >
                    {u.disabled ? "Enable" : "Disable"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CreateUserForm onCreated={refresh} />
    </div>
  );
}

function CreateUserForm({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const [roles, setRoles] = useState<RoleName[]>(["radiologist"]);
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: onCreated }));
  return (
    <form
      className="rounded-xl border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        create.mutate(
          {
            name: String(data.get("name")),
            email: String(data.get("email")),
            password: String(data.get("password")),
            roles,
          },
          { onSuccess: () => form.reset() },
        );
      }}
    >
      <h3 className="mb-3 font-medium">Add a user</h3>
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label>
          Name
          <input
            name="name"
            required
            maxLength={200}
            className="mt-1 block rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <label>
          Email
          <input
            name="email"
            type="email"
            required
            maxLength={254}
            className="mt-1 block rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <label>
          Initial password
          <input
            name="password"
            type="password"
            required
            minLength={8}
            maxLength={200}
            className="mt-1 block rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <fieldset className="flex gap-3">
          <legend className="sr-only">Roles</legend>
          {ROLES.map((r) => (
            <label key={r} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={roles.includes(r)}
                onChange={() => setRoles((cur) => (cur.includes(r) ? cur.filter((x) => x !== r) : [...cur, r]))}
              />
              {ROLE_LABELS[r]}
            </label>
          ))}
        </fieldset>
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded-md bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 disabled:opacity-60"
        >
          Add user
        </button>
      </div>
      {create.error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {create.error.message}
        </p>
      )}
    </form>
  );
}
