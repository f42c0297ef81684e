--- `:checkhealth offgrid`: the server command, its version, `offgrid doctor`'s verdict on the model the server
--- would load (the same choice, in the same order), and the state of each running server.
local config = require("offgrid.config")

local M = {}
local health = vim.health

--- The vim.lsp config in effect (setup()'s, or vim.lsp.config("offgrid", ...)'s).
local function lsp_config()
  return vim.lsp.config.offgrid or {}
end

--- The command without `serve` and what follows it, and the --model argument if the command has one.
local function base_command()
  local cmd = lsp_config().cmd or config.options.cmd
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

--- The settings the server gets: initializationOptions, with the `offgrid` workspace configuration over them.
---@return table
local function server_settings()
  local c = lsp_config()
  local init = type(c.init_options) == "table" and c.init_options or config.options.settings or {}
  local section = type(c.settings) == "table" and c.settings.offgrid or nil
  return vim.tbl_deep_extend("force", {}, init, type(section) == "table" and section or {})
end

--- The model the server would load and where that choice comes from, in the server's order: `serve --model`,
--- $OFFGRID_MODEL, settings.model, settings.preset, offgrid's default preset.
---@return string? model, string from
function M.model_choice(flag, settings, env)
  if flag then
    return flag, "cmd's --model"
  end
  if env and env ~= "" then
    return env, "$OFFGRID_MODEL"
  end
  if type(settings.model) == "string" and settings.model ~= "" then
    return settings.model, "settings.model"
  end
  if type(settings.preset) == "string" and settings.preset ~= "" then
    return settings.preset, "settings.preset"
  end
  return nil, "offgrid's default preset"
end

--- `offgrid doctor`'s arguments for these settings (doctor has flags for the model and the model server only).
---@return string[]
function M.doctor_args(flag, settings, env)
  local args = { "doctor" }
  local model, from = M.model_choice(flag, settings, env)
  if model and from ~= "$OFFGRID_MODEL" then -- doctor reads $OFFGRID_MODEL itself, below its --model
    vim.list_extend(args, { "--model", model })
  end
  local remote = type(settings.remote) == "table" and settings.remote or {}
  for _, pair in ipairs({
    { "--backend", settings.backend },
    { "--url", remote.url },
    { "--fim", remote.fim },
    { "--api-key-env", remote.apiKeyEnv },
  }) do
    if type(pair[2]) == "string" and pair[2] ~= "" then
      vim.list_extend(args, pair)
    end
  end
  return args
end

local function run(argv, timeout_ms, env)
  local ok, proc = pcall(vim.system, argv, { text = true, env = env })
  if not ok then
    return { code = -1, stdout = "", stderr = tostring(proc) }
  end
  return proc:wait(timeout_ms)
end

--- One running server's offgrid/status, as the state it reports.
---@param client vim.lsp.Client
local function report_server(client)
  local where = ("server %d (root %s)"):format(client.id, client.root_dir or "none")
  local answer, why = client:request_sync("offgrid/status", vim.empty_dict(), 10000)
  if not answer or answer.err then
    return health.error(where .. ": offgrid/status failed: " .. (why or vim.inspect(answer and answer.err)))
  end
  local s = answer.result or {}
  local model = ""
  if type(s.model) == "table" then
    model = (" with %s (%s)"):format(tostring(s.model.description), tostring(s.model.path))
  end
  local err = s.error ~= vim.NIL and s.error or nil
  if s.state == "ready" then
    health.ok(where .. ": ready" .. model)
  elseif s.state == "failed" then
    health.error(where .. ": failed: " .. tostring(err), ":Offgrid status, and :LspLog for the server's log")
  else
    local state = tostring(s.state) .. (err and (": " .. err) or "")
    health.warn(where .. ": " .. state .. " (suggestions come once it is ready)")
  end
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
  local base, flag = base_command()
  if not base or #base == 0 then
    return health.error("no server command: pass cmd = { 'offgrid', 'serve' } to setup()")
  end
  local exe = vim.fn.exepath(base[1])
  if exe == "" then
    return health.error(base[1] .. " is not executable", "pip install offgrid, or set cmd in setup()")
  end
  health.ok("server command: " .. table.concat(base, " ") .. " serve (" .. exe .. ")")
  local env = lsp_config().cmd_env
  local version = run(vim.list_extend(vim.deepcopy(base), { "--version" }), 30000, env)
  if version.code == 0 then
    health.ok("version: " .. vim.trim(version.stdout))
  else
    health.error("`--version` failed: " .. vim.trim(version.stderr or ""))
  end
  local settings = server_settings()
  local model_env = env and env.OFFGRID_MODEL or vim.env.OFFGRID_MODEL
  local model, from = M.model_choice(flag, settings, model_env)
  health.info("model: " .. (model or "the default preset") .. " (from " .. from .. ")")
  local args = M.doctor_args(flag, settings, model_env)
  local doctor = run(vim.list_extend(vim.deepcopy(base), args), 180000, env)
  local report = vim.trim(doctor.stdout or "")
  if doctor.code == 0 then
    health.ok("`offgrid " .. table.concat(args, " ") .. "`: completions can work\n" .. report)
  else
    report = vim.trim(report .. "\n" .. (doctor.stderr or "")) -- llama.cpp's noise only matters on failure
    health.error(
      ("`offgrid %s` says completions cannot work (exit %s)\n%s"):format(table.concat(args, " "), doctor.code, report)
    )
  end
  local clients = vim.lsp.get_clients({ name = "offgrid" })
  health.info(#clients .. " offgrid server(s) running")
  for _, client in ipairs(clients) do
    report_server(client)
  end
end

return M
