-- Test harness for headless Neovim: runs a test body as a coroutine inside Neovim's main loop (so typed keys,
-- autocommands, timers and LSP messages are processed as for a user), then exits 0 on success, 1 on failure,
-- or 77 when the test has nothing to run against. Run: nvim --headless -u NONE -i NONE -c "luafile FILE".
local H = {}

local root = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h")
vim.opt.runtimepath:prepend(root)
vim.cmd("filetype on")
vim.cmd("runtime plugin/offgrid.lua")
vim.opt.swapfile = false

local co ---@type thread
local log = {}

function H.log(...)
  local parts = {}
  for _, v in ipairs({ ... }) do
    parts[#parts + 1] = type(v) == "string" and v or vim.inspect(v)
  end
  local line = table.concat(parts, " ")
  log[#log + 1] = line
  io.stderr:write(line .. "\n")
end

local function finish(code)
  vim.schedule(function()
    vim.cmd("cquit " .. code)
  end)
end

function H.sleep(ms)
  vim.defer_fn(function()
    local ok, err = coroutine.resume(co)
    if not ok then
      H.log("ERROR: " .. debug.traceback(co, err))
      finish(1)
    end
  end, ms)
  coroutine.yield()
end

--- Wait (without blocking Neovim) until `cond()` returns a truthy value; fail after `timeout_ms`.
function H.wait(what, cond, timeout_ms)
  local deadline = vim.uv.now() + (timeout_ms or 90000) -- generous: CI machines may be busy
  while true do
    local v = cond()
    if v then
      return v
    end
    if vim.uv.now() > deadline then
      error("timed out waiting for " .. what, 2)
    end
    H.sleep(20)
  end
end

function H.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(("%s: expected %s, got %s"):format(what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

function H.truthy(v, what)
  if not v then
    error(what, 2)
  end
  return v
end

--- Keys as the user types them (mappings apply).
function H.type(keys)
  vim.api.nvim_feedkeys(vim.keycode(keys), "mt", false)
end

--- The ghost text on screen, read back from the extmarks: inline text at the cursor line, virtual lines below.
function H.ghost(buf)
  local ns = vim.api.nvim_get_namespaces()["offgrid.ghost"]
  local marks = vim.api.nvim_buf_get_extmarks(buf or 0, ns, 0, -1, { details = true })
  local inline, lines = {}, {}
  for _, m in ipairs(marks) do
    local d = m[4]
    for _, chunk in ipairs(d.virt_text or {}) do
      inline[#inline + 1] = chunk[1]
    end
    for _, vl in ipairs(d.virt_lines or {}) do
      local text = {}
      for _, chunk in ipairs(vl) do
        text[#text + 1] = chunk[1]
      end
      lines[#lines + 1] = table.concat(text)
    end
  end
  if #inline == 0 and #lines == 0 then
    return nil
  end
  return table.concat(inline), lines
end

--- A scratch project with one file, opened in the current window.
function H.open(name, text)
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir .. "/.git", "p")
  local path = dir .. "/" .. name
  vim.fn.writefile(vim.split(text, "\n", { plain = true }), path)
  vim.cmd.edit(path)
  return path
end

--- Start offgrid on the current buffer and wait for the model to be loaded (or for the server to reach `expect`).
--- `opts.settings` go to the server as they are, with $OFFGRID_TEST_MODEL as the model unless they name a preset.
function H.start(opts, expect)
  opts = vim.deepcopy(opts or {})
  local settings = opts.settings or {}
  if settings.model == nil and settings.preset == nil then
    settings.model = assert(os.getenv("OFFGRID_TEST_MODEL"), "set OFFGRID_TEST_MODEL")
  end
  opts.settings = nil
  require("offgrid").setup(vim.tbl_deep_extend("force", {
    cmd = { assert(os.getenv("OFFGRID_BIN"), "set OFFGRID_BIN"), "serve" },
    debounce_ms = 30,
  }, opts, { settings = settings }))
  local client = H.wait("the offgrid client", function()
    local c = vim.lsp.get_clients({ bufnr = 0, name = "offgrid" })[1]
    return c and c.initialized and c
  end, 90000)
  local state
  H.wait("the model to load", function()
    if state == nil then
      state = false
      client:request("offgrid/status", vim.empty_dict(), function(_, r)
        state = r and r.state ~= "loading" and r.state ~= "starting" and r.state or nil
      end)
    end
    return state
  end, 120000)
  H.eq(expect or "ready", state, "server state")
  return client
end

--- Run `body` as the test.
function H.run(body)
  co = coroutine.create(function()
    local ok, err = xpcall(body, debug.traceback)
    if ok then
      H.log("PASS")
      finish(err == "skip" and 77 or 0)
    else
      H.log("FAIL: " .. tostring(err))
      finish(1)
    end
  end)
  vim.schedule(function()
    assert(coroutine.resume(co))
  end)
end

return H
