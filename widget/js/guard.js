// Every event handler the widget adds to the page goes through `guard`: whatever the widget's
// code throws there, a WebAssembly trap included, is written to the console and never reaches
// the host page as an uncaught error.
export function guard(handler) {
  return (event) => {
    try {
      handler(event);
    } catch (error) {
      console.error("bugcap: internal error in the widget's UI (the page is not affected):", error);
    }
  };
}
