import Link from "next/link";
import { requireUser } from "../../guard";
import { UsersAdmin } from "./users-admin";
import { AuditLog } from "./audit-log";
import { SourcesAdmin } from "./sources-admin";
import { WorklistRules } from "./worklist-rules";
import { ScoringAdmin } from "./scoring-admin";
import { RoutingAdmin } from "./routing-admin";
import { RvuTableAdmin } from "./rvu-table";
import { ReadersAdmin } from "../../_components/readers-admin";
import { ShiftSchedule } from "../../_components/shift-schedule";
import { OpenClaims } from "../../_components/open-claims";
import { Hl7Admin } from "./hl7-admin";

export default async function AdminPage() {
  const me = await requireUser(["admin"]);
  return (
    <div className="space-y-10">
      <section>
        <h1 className="mb-4 text-xl font-semibold">PACS sources</h1>
        <SourcesAdmin />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">Orders from the RIS (HL7)</h2>
        <Hl7Admin />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">AI scoring and models</h2>
        <ScoringAdmin />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">Worklist rules</h2>
        <WorklistRules />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">Reading groups and routing</h2>
        <RoutingAdmin />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">Readers</h2>
        <ReadersAdmin canEdit />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">Shifts</h2>
        <ShiftSchedule />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">Work RVUs</h2>
        <RvuTableAdmin />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">Open cases</h2>
        <OpenClaims />
      </section>
      <section>
        <h2 className="mb-4 text-lg font-semibold">Users and roles</h2>
        <UsersAdmin currentUserId={me.id} />
      </section>
      <section>
        <h2 className="mb-1 text-lg font-semibold">Audit log</h2>
        <p className="mb-3 text-sm text-slate-600">
          The latest events. To search by person, study or day, or to download, open the{" "}
          <Link href="/audit" className="text-sky-800 underline">
            Audit page
          </Link>
          .
        </p>
        <AuditLog />
      </section>
    </div>
  );
}
