-- A long action shows what runs in the command line, with the way to stop it, and :Offgrid cancel stops it: a
-- command through its work-done progress (window/workDoneProgress/cancel), a resolved code action (which has no
-- progress) through $/cancelRequest. Runs against a slow random-weight model that writes until its token limit.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")
local progress = require("offgrid.progress")

local TEXT = { "def area(r):", "    pass", "", "", "def double(x):", "    y = x * 2", "    return y" }

H.run(function()
  H.open("shapes.py", table.concat(TEXT, "\n"))
  local client = H.start({ settings = { actions = { maxTokens = 4000 } } })
  local buf = vim.api.nvim_get_current_buf()
  local sent = {} ---@type table<string, integer> notifications sent, by method
  local notify = client.rpc.notify
  client.rpc.notify = function(method, params)
    sent[method] = (sent[method] or 0) + 1
    return notify(method, params)
  end
  local function pending(method)
    for _, r in pairs(client.requests) do
      if r.method == method and r.type ~= "complete" then
        return true
      end
    end
    return false
  end
  local function running()
    local r = client:request_sync("offgrid/status", vim.empty_dict(), 5000)
    return r and r.result and r.result.actionsRunning or -1
  end
  H.eq(0, running(), "no action before")

  -- 1. A rewrite: its progress is on screen, with the way to stop it, and :Offgrid cancel stops it.
  vim.cmd("6,7Offgrid rewrite inline y")
  local line = H.wait("the rewrite's progress", function()
    local l = progress.line()
    return l and l:find("rewriting", 1, true) and l
  end, 60000)
  H.log("progress:", line, "echoed:", progress.echoed)
  H.truthy(line:find(":Offgrid cancel", 1, true), "says how to stop it: " .. line)
  H.eq(line, progress.echoed, "shown in the command line")
  H.sleep(1100)
  H.truthy(progress.line():find("(1 s)", 1, true), "counts the seconds: " .. progress.line())
  vim.cmd("Offgrid cancel")
  H.wait("the rewrite to stop", function()
    return progress.line() == nil and not pending("workspace/executeCommand")
  end, 30000)
  H.eq(1, sent["window/workDoneProgress/cancel"], "cancelled through the progress token")
  H.eq(nil, sent["$/cancelRequest"], "the command ended itself, no request cancelled")
  H.eq("offgrid: rewriting: cancelled", progress.echoed, "says it was cancelled")
  H.eq(TEXT, vim.api.nvim_buf_get_lines(buf, 0, -1, false), "the buffer is untouched")
  H.wait("the model to stop", function()
    return running() == 0
  end, 30000)

  -- 2. Complete this function body (codeAction/resolve, no progress of its own): shown too, and cancelled.
  vim.api.nvim_win_set_cursor(0, { 2, 4 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.title == "offgrid: Complete this function body"
    end,
  })
  line = H.wait("the resolve's progress", function()
    local l = progress.line()
    return l and l:find("code action", 1, true) and l
  end, 60000)
  H.log("progress:", line)
  H.truthy(line:find(":Offgrid cancel", 1, true), "says how to stop it: " .. line)
  H.wait("the action to run", function()
    return running() == 1
  end, 30000)
  local errors = {}
  vim.notify = function(msg, level)
    errors[#errors + 1] = { msg, level }
  end
  vim.cmd("Offgrid cancel")
  H.eq(1, sent["$/cancelRequest"], "the resolve request cancelled")
  H.wait("the resolve to stop", function()
    return progress.line() == nil and not pending("codeAction/resolve") and running() == 0
  end, 30000)
  H.log("after cancelling the resolve:", progress.echoed, errors)
  H.eq("offgrid: running the code action: cancelled", progress.echoed, "says it was cancelled")
  H.eq(TEXT, vim.api.nvim_buf_get_lines(buf, 0, -1, false), "the buffer is untouched")

  -- 3. With nothing running, :Offgrid cancel says so.
  vim.cmd("Offgrid cancel")
  H.eq("offgrid: nothing to cancel", errors[#errors][1], "nothing to cancel")
  client.rpc.notify = notify
end)
