//! WebAssembly bindings for the web app (filled in by the web issue).
