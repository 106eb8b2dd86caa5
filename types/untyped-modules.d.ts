declare module "xhr2" {
  const XMLHttpRequest: { new (): XMLHttpRequest; prototype: XMLHttpRequest };
  export default XMLHttpRequest;
}

declare module "async-exit-hook" {
  const exitHook: {
    (hook: (done: () => void) => void): void;
    unhookEvent(event: string): void;
    hookedEvents(): string[];
  };
  export default exitHook;
}
