import { requireUser } from "../../guard";
import { WorklistTable } from "./worklist-table";

export default async function WorklistPage() {
  await requireUser(["radiologist"]);
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Worklist</h1>
      <WorklistTable />
    </section>
  );
}
