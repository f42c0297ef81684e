/** Finding the command that starts `offgrid serve`. */
import * as fs from "fs";
import * as path from "path";

export interface Launch {
  command: string;
  args: string[];
}

export interface Lookup {
  /** Absolute path of an executable on the PATH, or undefined. */
  which(name: string): string | undefined;
  /** Whether a file exists and can be run. */
  executable(file: string): boolean;
  /** The workspace folders' paths. */
  folders: string[];
  platform: NodeJS.Platform;
}

/**
 * The command that starts the server, in this order:
 * 1. the `offgrid.command` setting, as given (`["/path/to/offgrid", "serve"]`);
 * 2. the `offgrid.python` setting: `PYTHON -m offgrid serve`;
 * 3. `offgrid` in a `.venv` or `venv` folder of a workspace folder;
 * 4. `offgrid` on the PATH;
 * 5. `python3 -m offgrid serve` (`python` on Windows), which fails with a clear message if offgrid is missing.
 */
export function findServerCommand(config: { command: string[]; python: string }, lookup: Lookup): Launch {
  if (config.command.length > 0) {
    return { command: config.command[0], args: config.command.slice(1) };
  }
  if (config.python) {
    return { command: config.python, args: ["-m", "offgrid", "serve"] };
  }
  const windows = lookup.platform === "win32";
  const exe = windows ? path.join("Scripts", "offgrid.exe") : path.join("bin", "offgrid");
  for (const folder of lookup.folders) {
    for (const venv of [".venv", "venv"]) {
      const candidate = path.join(folder, venv, exe);
      if (lookup.executable(candidate)) {
        return { command: candidate, args: ["serve"] };
      }
    }
  }
  const onPath = lookup.which(windows ? "offgrid.exe" : "offgrid");
  if (onPath) {
    return { command: onPath, args: ["serve"] };
  }
  return { command: windows ? "python" : "python3", args: ["-m", "offgrid", "serve"] };
}

/** The real file system and PATH. */
export function systemLookup(folders: string[]): Lookup {
  const executable = (file: string): boolean => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  return {
    executable,
    which: (name) =>
      (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((dir) => dir !== "")
        .map((dir) => path.join(dir, name))
        .find(executable),
    folders,
    platform: process.platform,
  };
}
