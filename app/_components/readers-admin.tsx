"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../trpc";
import { QueryFallback } from "./query-fallback";
import { ListInput } from "./list-input";

type Outputs = inferRouterOutputs<AppRouter>["routing"];
type Reader = Outputs["readers"][number];
type Routing = Outputs["get"];

const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-40";

/**
 * Radiologists as readers: groups with their modality and body-part privileges, site
 * credentials with expiry dates, trainee or attending, a cap of assigned work, on duty or not.
 * `canEdit`: admins edit profiles; schedulers only switch duty.
 */
export function ReadersAdmin({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const readers = useQuery(trpc.routing.readers.queryOptions());
  const routing = useQuery(trpc.routing.get.queryOptions());
  if (!readers.data) return <QueryFallback error={readers.error} what="readers" />;
  if (!routing.data) return <QueryFallback error={routing.error} what="routing" />;
  if (readers.data.length === 0) return <p className="text-sm text-slate-500">No radiologists yet.</p>;
  return (
    <div className="space-y-2">
      {routing.data.config.groups.length === 0 && (
        <p className="text-sm text-slate-500">
          Routing is off (no reading groups): every radiologist reads every study.
        </p>
      )}
      {readers.data.map((r) => (
        <ReaderRow key={r.id} reader={r} routing={routing.data} canEdit={canEdit} />
      ))}
    </div>
  );
}

function ReaderRow({ reader, routing, canEdit }: { reader: Reader; routing: Routing; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState({
    trainee: reader.trainee,
    capRvu: reader.capRvu,
    memberships: reader.memberships,
    credentials: reader.credentials.map((c) => ({ sourceId: c.sourceId, expiresOn: c.expiresOn })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.routing.readers.queryKey() });
  const save = useMutation(trpc.routing.saveReader.mutationOptions({ onSuccess: refresh }));
  const setDuty = useMutation(trpc.routing.setDuty.mutationOptions({ onSuccess: refresh }));
  const member = (key: string) => draft.memberships.find((m) => m.group === key);
  const credential = (id: string) => draft.credentials.find((c) => c.sourceId === id);
  const sites = routing.sites.filter((s) => s.credentialRequired);

  return (
    <div
      data-testid={`reader-${reader.email}`}
      className="rounded-xl border border-slate-200 bg-white p-3 text-xs"
      aria-label={`Reader ${reader.name}`}
    >
      <div className="mb-2 flex flex-wrap items-center gap-3">
        <span className="text-sm font-medium">{reader.name}</span>
        <span className={reader.onDuty ? "text-emerald-700" : "text-slate-500"}>
          {reader.onDuty ? "on duty" : "off duty"}
        </span>
        <button
          type="button"
          className={button}
          onClick={() => setDuty.mutate({ userId: reader.id, onDuty: !reader.onDuty })}
        >
          {reader.onDuty ? "Put off duty" : "Put on duty"}
        </button>
        {canEdit && (
          <>
            <label>
              <input
                type="checkbox"
                checked={draft.trainee}
                onChange={(e) => setDraft({ ...draft, trainee: e.target.checked })}
              />{" "}
              trainee
            </label>
            <label>
              cap (RVU){" "}
              <input
                type="number"
                min={0.1}
                step={0.1}
                className="w-16 rounded border border-slate-300 px-1 py-0.5"
                value={draft.capRvu ?? ""}
                onChange={(e) => setDraft({ ...draft, capRvu: e.target.value ? Number(e.target.value) : null })}
              />
            </label>
          </>
        )}
        {!canEdit && (
          <span className="text-slate-600">
            {reader.trainee ? "trainee · " : ""}
            {reader.memberships.map((m) => m.group).join(", ") || "no group"}
          </span>
        )}
      </div>
      {canEdit && (
        <>
          <div className="flex flex-wrap gap-x-5 gap-y-1">
            {routing.config.groups.map((g) => {
              const m = member(g.key);
              return (
                <div key={g.key} className="flex items-center gap-1">
                  <label>
                    <input
                      type="checkbox"
                      aria-label={`${reader.name} in ${g.label}`}
                      checked={!!m}
                      onChange={(e) =>
                        setDraft({
                          ...draft,
                          memberships: e.target.checked
                            ? [...draft.memberships, { group: g.key, modalities: [], bodyParts: [] }]
                            : draft.memberships.filter((x) => x.group !== g.key),
                        })
                      }
                    />{" "}
                    {g.label}
                  </label>
                  {m && (
                    <>
                      <ListInput
                        label={`${reader.name} ${g.label} modalities`}
                        placeholder="all modalities"
                        className="w-24"
                        value={m.modalities}
                        onChange={(modalities) =>
                          setDraft({
                            ...draft,
                            memberships: draft.memberships.map((x) => (x.group === g.key ? { ...x, modalities } : x)),
                          })
                        }
                      />
                      <ListInput
                        label={`${reader.name} ${g.label} body parts`}
                        placeholder="all body parts"
                        className="w-24"
                        value={m.bodyParts}
                        onChange={(bodyParts) =>
                          setDraft({
                            ...draft,
                            memberships: draft.memberships.map((x) => (x.group === g.key ? { ...x, bodyParts } : x)),
                          })
                        }
                      />
                    </>
                  )}
                </div>
              );
            })}
          </div>
          {sites.length > 0 && (
            <div className="mt-1 flex flex-wrap gap-x-5">
              {sites.map((s) => {
                const c = credential(s.id);
                const shown = reader.credentials.find((x) => x.sourceId === s.id);
                return (
                  <label key={s.id} className="flex items-center gap-1">
                    <input
                      type="checkbox"
                      checked={!!c}
                      onChange={(e) =>
                        setDraft({
                          ...draft,
                          credentials: e.target.checked
                            ? [...draft.credentials, { sourceId: s.id, expiresOn: null }]
                            : draft.credentials.filter((x) => x.sourceId !== s.id),
                        })
                      }
                    />
                    credentialed for {s.name}
                    {c && (
                      <input
                        type="date"
                        aria-label={`${reader.name} credential for ${s.name} expires`}
                        className="rounded border border-slate-300 px-1"
                        value={c.expiresOn ?? ""}
                        onChange={(e) =>
                          setDraft({
                            ...draft,
                            credentials: draft.credentials.map((x) =>
                              x.sourceId === s.id ? { ...x, expiresOn: e.target.value || null } : x,
                            ),
                          })
                        }
                      />
                    )}
                    {shown && !shown.valid && <span className="font-medium text-red-700">expired</span>}
                  </label>
                );
              })}
            </div>
          )}
          <div className="mt-2 flex items-center gap-3">
            <button
              type="button"
              className={button}
              onClick={() => save.mutate({ userId: reader.id, ...draft })}
              disabled={save.isPending}
            >
              Save {reader.name}
            </button>
            {save.isSuccess && <span className="text-emerald-700">Saved.</span>}
            {(save.error ?? setDuty.error) && (
              <span role="alert" className="text-red-700">
                {(save.error ?? setDuty.error)?.message}
              </span>
            )}
          </div>
        </>
      )}
    </div>
  );
}
