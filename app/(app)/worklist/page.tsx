import { requireUser } from "../../guard";
import { WorklistView } from "./worklist-view";

export default async function WorklistPage() {
  const user = await requireUser(["radiologist"]);
  return <WorklistView userId={user.id} />;
}
