import { requireUser } from "../../guard";
import { WorklistView } from "./worklist-view";

export default async function WorklistPage({ searchParams }: { searchParams: Promise<{ study?: string | string[] }> }) {
  const user = await requireUser(["radiologist"]);
  const { study } = await searchParams;
  const studyId = typeof study === "string" && /^[\w-]{1,100}$/.test(study) ? study : null;
  return <WorklistView userId={user.id} initialStudyId={studyId} />;
}
