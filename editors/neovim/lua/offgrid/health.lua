--- `:checkhealth offgrid`: the server command, its version, `offgrid doctor`'s verdict, the running servers.
local config = require("offgrid.config")

local M = {}
local health = vim.health

--- The command without `serve` and what follows it, and the --model argument if the command has one.
local function base_command()
  local cmd = vim.lsp.config.offgrid and vim.lsp.config.offgrid.cmd or config.options.cmd
  local base, model = {}, nil
  if type(cmd) ~= "table" then
    return nil
  end
  for i, part in ipairs(cmd) do
    if part == "serve" then
      for j = i + 1, #cmd do
        if cmd[j] == "--model" then
          model = cmd[j + 1]
        end
      end
      break
    end
    base[#base + 1] = part
  end
  return base, model
end

local function run(argv, timeout_ms)
  local ok, proc = pcall(vim.system, argv, { text = true })
  if not ok then
    return { code = -1, stdout = "", stderr = tostring(proc) }
  end
  return proc:wait(timeout_ms)
end

function M.check()
  health.start("offgrid")
  local v = vim.version()
  health.info(("Neovim %d.%d.%d: suggestions drawn by %s"):format(
    v.major,
    v.minor,
    v.patch,
    config.builtin_inline() and "vim.lsp.inline_completion" or "offgrid's extmarks"
  ))
  local base, model = base_command()
  if not base or #base == 0 then
    return health.error("no server command: pass cmd = { 'offgrid', 'serve' } to setup()")
  end
  local exe = vim.fn.exepath(base[1])
  if exe == "" then
    return health.error(base[1] .. " is not executable", "pip install offgrid, or set cmd in setup()")
  end
  health.ok("server command: " .. table.concat(base, " ") .. " serve (" .. exe .. ")")
  local version = run(vim.list_extend(vim.deepcopy(base), { "--version" }), 30000)
  if version.code == 0 then
    health.ok("version: " .. vim.trim(version.stdout))
  else
    health.error("`--version` failed: " .. vim.trim(version.stderr or ""))
  end
  model = model or (config.options.settings or {}).model
  local argv = vim.list_extend(vim.deepcopy(base), { "doctor" })
  if model then
    vim.list_extend(argv, { "--model", model })
  end
  local doctor = run(argv, 180000)
  local report = vim.trim(doctor.stdout or "")
  if doctor.code == 0 then
    health.ok("`offgrid doctor`: completions can work\n" .. report)
  else
    report = vim.trim(report .. "\n" .. (doctor.stderr or "")) -- llama.cpp's noise only matters on failure
    health.error("`offgrid doctor` says completions cannot work (exit " .. tostring(doctor.code) .. ")\n" .. report)
  end
  local clients = vim.lsp.get_clients({ name = "offgrid" })
  health.info(#clients .. " offgrid server(s) running")
end

return M
