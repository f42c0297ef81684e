--- What the server is busy with, echoed in the command line, and `:Offgrid cancel`. Neovim 0.11 keeps `$/progress`
--- (`vim.lsp.status()`, the LspProgress autocmd) but shows none of it, so a 10-second rewrite looked like nothing.
--- Shown: the server's work-done progress (fetching the model, indexing, each command's cancellable progress) and
--- offgrid requests that run the model without progress of their own (`codeAction/resolve`).
local config = require("offgrid.config")

local M = {}
local api = vim.api

--- Requests that may run the model for seconds; their progress is shown when the server sends none.
local LONG = {
  ["codeAction/resolve"] = "offgrid: running the code action",
  ["workspace/executeCommand"] = "offgrid: running the command",
}

---@class offgrid.Work
---@field client_id integer
---@field token? integer|string the work-done progress token (nil for a bare request)
---@field request? integer the request id, for a bare request
---@field title string
---@field message? string
---@field percentage? integer
---@field cancellable boolean
---@field method? string the request's method, for a bare request
---@field covered? boolean a command request whose own progress is shown instead
---@field since number vim.uv.now() when it began

---@type table<string, offgrid.Work>
M.active = {}
local timer = nil ---@type uv.uv_timer_t?
local shown = nil ---@type string? the last message in the history when our line went up (nil: it is not up)

local function is_offgrid(client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  return client ~= nil and client.name == "offgrid"
end

--- The one line for the newest piece of work: a progress wins over a bare request. Also whether it is one that
--- can be cancelled (an action: its seconds are counted, as it sends no reports).
---@return string?, boolean?
function M.line()
  local pick ---@type offgrid.Work?
  for key, w in pairs(M.active) do
    local client = vim.lsp.get_client_by_id(w.client_id)
    if not client or client:is_stopped() then
      M.active[key] = nil -- its server stopped (assigning nil to a visited key is allowed in `next`)
    elseif not w.covered then
      local better = not pick or (w.token ~= nil and pick.token == nil)
      if not better and pick and (w.token ~= nil) == (pick.token ~= nil) then
        better = w.since > pick.since
      end
      if better then
        pick = w
      end
    end
  end
  if not pick then
    return nil
  end
  local parts = { pick.title }
  if pick.message and pick.message ~= "" then
    parts[#parts + 1] = ": " .. pick.message
  end
  if pick.percentage then
    parts[#parts + 1] = (" %d%%"):format(pick.percentage)
  end
  local secs = math.floor((vim.uv.now() - pick.since) / 1000)
  if pick.cancellable and secs >= 1 then
    parts[#parts + 1] = (" (%d s)"):format(secs)
  end
  if pick.cancellable then
    parts[#parts + 1] = "  :Offgrid cancel to stop"
  end
  return table.concat(parts), pick.cancellable
end

local function last_message()
  local ok, out = pcall(api.nvim_exec2, "1messages", { output = true })
  return ok and out.output or ""
end

--- Echo without adding to :messages; `transient` lines are cleared when the work is over, results stay.
local function echo(text, transient)
  local mode = api.nvim_get_mode().mode:sub(1, 1)
  if mode == "c" or mode == "r" then
    return -- never write over a prompt the user is typing in (the instruction, a hit-enter prompt)
  end
  local width = math.max(20, vim.v.echospace)
  if vim.fn.strdisplaywidth(text) > width then -- longer than the line would ask to "Press ENTER"
    text = vim.fn.strcharpart(text, 0, width - 1) .. "…"
  end
  api.nvim_echo({ { text, "MoreMsg" } }, false, {})
  M.echoed = text
  shown = transient and last_message() or nil
end

--- Show the current line, or clear ours when nothing is left (unless a message came after it: a refusal's reason
--- must stay readable); ticks every second while an action runs.
function M.render()
  local line, ticking = M.line()
  if line then
    echo(line, true)
  elseif shown ~= nil then
    if shown == last_message() then
      echo("", false)
    end
    shown = nil
  end
  if ticking and not timer then
    timer = vim.uv.new_timer()
    timer:start(1000, 1000, vim.schedule_wrap(M.render))
  elseif not ticking and timer then
    timer:stop()
    timer:close()
    timer = nil
  end
end

--- One piece of work is over: show the next, or how this one ended (`result`), or clear the line.
---@param key string
---@param result? string
local function finish(key, result)
  local w = M.active[key]
  M.active[key] = nil
  local told = shown ~= nil and shown ~= last_message() -- the server's message (a refusal's reason) came meanwhile
  if w and result and not w.covered and not told and not M.line() then
    echo(w.title .. ": " .. result, false)
  end
  M.render()
end

--- LspProgress: begin, report and end of one work-done progress.
function M.on_progress(args)
  local data = args.data or {}
  local params = data.params or {}
  local value = params.value
  if not config.options.progress or type(value) ~= "table" or not is_offgrid(data.client_id) then
    return
  end
  local key = ("%d:%s"):format(data.client_id, tostring(params.token))
  if value.kind == "begin" then
    M.active[key] = {
      client_id = data.client_id,
      token = params.token,
      title = value.title or "offgrid",
      message = value.message,
      percentage = value.percentage,
      cancellable = value.cancellable == true,
      since = vim.uv.now(),
    }
    if value.cancellable then -- a command's own progress: its request need not be shown beside it
      for _, w in pairs(M.active) do
        if w.client_id == data.client_id and w.method == "workspace/executeCommand" then
          w.covered = true
        end
      end
    end
  elseif value.kind == "report" and M.active[key] then
    local w = M.active[key]
    w.message, w.percentage = value.message or w.message, value.percentage or w.percentage
    if value.cancellable ~= nil then
      w.cancellable = value.cancellable == true
    end
  elseif value.kind == "end" then
    return finish(key, value.message ~= nil and value.message ~= "" and value.message or "done")
  end
  M.render()
end

--- LspRequest: a long offgrid request is pending, or answered/cancelled.
function M.on_request(args)
  local data = args.data or {}
  local req = data.request or {}
  local title = LONG[req.method]
  if not title or not config.options.progress or not is_offgrid(data.client_id) then
    return
  end
  local key = ("%d#%d"):format(data.client_id, data.request_id)
  if req.type ~= "pending" then
    return finish(key, req.type == "cancel" and "cancelled" or nil)
  end
  M.active[key] = {
    client_id = data.client_id,
    request = data.request_id,
    method = req.method,
    title = title,
    cancellable = true,
    since = vim.uv.now(),
  }
  M.render()
end

--- window/showMessage from offgrid (called after Neovim's own handler showed it): an error ends the server's
--- progress that it never ends itself (a model download that failed), so its line neither stays nor comes back.
---@param result lsp.ShowMessageParams
---@param ctx lsp.HandlerContext
function M.on_message(result, ctx)
  if type(result) ~= "table" or result.type ~= vim.lsp.protocol.MessageType.Error then
    return
  end
  for key, w in pairs(M.active) do
    if w.client_id == ctx.client_id and w.token ~= nil and not w.cancellable then
      M.active[key] = nil
    end
  end
  M.render()
end

--- `:Offgrid cancel`: cancel each running cancellable progress of offgrid (window/workDoneProgress/cancel), and
--- each long offgrid request ($/cancelRequest): a resolve has no progress, and a command without one (its
--- progress not begun yet) stops on its request's cancel too. Returns how many were cancelled.
---@return integer
function M.cancel()
  local sends = {} ---@type fun()[]
  for _, client in ipairs(vim.lsp.get_clients({ name = "offgrid" })) do
    local tokens = 0
    for _, w in pairs(M.active) do
      if w.client_id == client.id and w.token ~= nil and w.cancellable then
        sends[#sends + 1] = function()
          client:notify("window/workDoneProgress/cancel", { token = w.token })
        end
        tokens = tokens + 1
      end
    end
    for id, req in pairs(client.requests) do
      local command = req.method == "workspace/executeCommand"
      if req.type == "pending" and (req.method == "codeAction/resolve" or (command and tokens == 0)) then
        sends[#sends + 1] = function()
          client:cancel_request(id) -- (a command whose progress is cancelled ends itself: {applied = false})
        end
      end
    end
  end
  if #sends == 0 then
    vim.notify("offgrid: nothing to cancel")
    return 0
  end
  echo("offgrid: cancelling…", false) -- first: the cancel's own echo says how it ended
  for _, send in ipairs(sends) do
    send()
  end
  return #sends
end

--- Listen to progress and requests (called by setup()).
---@param group integer
function M.register(group)
  api.nvim_create_autocmd("LspProgress", { group = group, callback = M.on_progress })
  api.nvim_create_autocmd("LspRequest", { group = group, callback = M.on_request })
end

return M
