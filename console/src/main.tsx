import { render } from "preact";
import { App } from "./App.tsx";
import "./shell/shell.css";

render(<App />, document.getElementById("app")!);
