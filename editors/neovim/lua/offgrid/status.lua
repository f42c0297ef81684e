--- `:Offgrid status`: the server's offgrid/status answer and the last offgrid/metrics notification, as text.
local M = {}

M.last = {} ---@type table<integer, table> last metrics per client id

--- Handler for the server's offgrid/metrics notification (sent after each completion).
function M.on_metrics(_, result, ctx)
  M.last[ctx.client_id] = result
end

local function num(v)
  return type(v) == "number" and (v == math.floor(v) and tostring(v) or ("%.1f"):format(v)) or tostring(v)
end

--- One line for a metrics object: where the answer came from, its latency and token counts.
---@param m table?
---@return string
function M.metrics_line(m)
  if type(m) ~= "table" or next(m) == nil then
    return "no completion yet"
  end
  local parts = { ("%s in %s ms"):format(m.source or "?", num(m.serverMs)) }
  if m.promptTokens then
    parts[#parts + 1] = ("prompt %s tokens (%s reused, %s evaluated in %s ms)"):format(
      num(m.promptTokens),
      num(m.reused),
      num(m.evaluated),
      num(m.promptMs)
    )
    parts[#parts + 1] = ("%s generated in %s ms, stopped by %s"):format(
      num(m.generated),
      num(m.generateMs),
      tostring(m.stopReason)
    )
  end
  return table.concat(parts, "; ")
end

--- The lines `:Offgrid status` prints for one client's offgrid/status answer.
---@param client vim.lsp.Client
---@param s table the offgrid/status result
---@return string[]
function M.lines(client, s)
  local out = { ("offgrid %s (client %d, root %s)"):format(s.version or "?", client.id, client.root_dir or "none") }
  out[#out + 1] = "state: " .. tostring(s.state) .. (s.error ~= vim.NIL and s.error and (": " .. s.error) or "")
  if type(s.model) == "table" then
    out[#out + 1] = ("model: %s (%s), fill-in-the-middle %s, %s threads, context %s"):format(
      s.model.description or "?",
      s.model.path or "?",
      tostring(s.model.fim ~= vim.NIL and s.model.fim or "none"),
      num(s.model.threads),
      num(s.model.contextSize)
    )
  end
  out[#out + 1] = "last: " .. M.metrics_line(type(s.last) == "table" and s.last or M.last[client.id])
  if type(s.totals) == "table" then
    local t = {}
    for k, v in vim.spairs(s.totals) do
      t[#t + 1] = k .. " " .. num(v)
    end
    out[#out + 1] = "totals: " .. table.concat(t, ", ")
  end
  if type(s.answers) == "table" and next(s.answers) then
    local a = {}
    for k, v in vim.spairs(s.answers) do
      a[#a + 1] = k .. " " .. num(v)
    end
    out[#out + 1] = "answers: " .. table.concat(a, ", ")
  end
  return out
end

--- Ask every offgrid client for its status and call `done` with the lines (or an explanation).
---@param done fun(lines: string[])
function M.fetch(done)
  local clients = vim.lsp.get_clients({ name = "offgrid" })
  if #clients == 0 then
    return done({ "offgrid is not running: open a file after require('offgrid').setup()" })
  end
  local all, pending = {}, #clients
  for _, client in ipairs(clients) do
    -- pygls rejects a request without params (JSON-RPC allows it), so send an empty object
    client:request("offgrid/status", vim.empty_dict(), function(err, result)
      if err then
        vim.list_extend(all, { ("offgrid client %d: %s"):format(client.id, err.message or vim.inspect(err)) })
      else
        vim.list_extend(all, M.lines(client, result or {}))
      end
      pending = pending - 1
      if pending == 0 then
        done(all)
      end
    end)
  end
end

--- `:Offgrid status`.
function M.show()
  M.fetch(function(lines)
    vim.api.nvim_echo({ { table.concat(lines, "\n") } }, true, {})
  end)
end

return M
