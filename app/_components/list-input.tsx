"use client";
import { useState } from "react";

/** A comma-separated list in a text box, parsed when the box loses focus (so commas can be typed). */
export function ListInput({
  value,
  onChange,
  label,
  placeholder,
  className = "w-28",
}: {
  value: string[];
  onChange: (next: string[]) => void;
  label: string;
  placeholder?: string;
  className?: string;
}) {
  const [text, setText] = useState(value.join(", "));
  return (
    <input
      aria-label={label}
      placeholder={placeholder}
      className={`rounded border border-slate-300 px-1 py-0.5 text-xs ${className}`}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => {
        const list = text
          .split(",")
          .map((v) => v.trim())
          .filter(Boolean);
        onChange(list);
        setText(list.join(", "));
      }}
    />
  );
}
