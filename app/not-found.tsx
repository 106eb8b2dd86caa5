import Link from "next/link";

/** Any unknown address, including a study link that no longer exists. */
export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg p-10">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">
        There is nothing at this address. It may have been mistyped, or the link may be out of date.
      </p>
      <Link
        href="/"
        className="mt-6 inline-block rounded-md bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800"
      >
        Go to your start page
      </Link>
    </main>
  );
}
