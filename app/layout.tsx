import type { Metadata } from "next";
import { GeistSans } from "geist/font/sans";
import { GeistMono } from "geist/font/mono";
import { displayPreferences } from "./guard";
import "./globals.css";

export const metadata: Metadata = {
  title: "ReadNext",
  description: "Radiology reading worklist that puts the most urgent case first.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The theme and density are in the first HTML, so a dark reading room never sees a white flash.
  const display = await displayPreferences();
  return (
    <html
      lang="en"
      data-theme={display.theme}
      data-density={display.density}
      className={`${GeistSans.variable} ${GeistMono.variable}`}
    >
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
