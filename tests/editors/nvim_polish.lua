-- What a user sees after the documented setup: virtual text, inlay hints, and a completion
-- accepted the way a user accepts it (<C-x><C-o>, pick the item, <C-y>).
-- Env: SIP_OUT (result JSON path), SIP_LINE (1-based line after which to type),
-- SIP_TYPE (text typed on a new line), SIP_BACK (how many characters to move back before
-- asking for completion: what an auto-pairs plugin leaves after the cursor), SIP_PICK (item label).
local out = os.getenv('SIP_OUT')
local result = { filetype = vim.bo.filetype }

local function finish()
  local fh = assert(io.open(out, 'w'))
  fh:write(vim.json.encode(result))
  fh:close()
  vim.cmd('qa!')
end

-- A watchdog: the completion part runs from the main loop, so a hang must still end the run.
vim.defer_fn(function()
  result.timeout = true
  finish()
end, 40000)

local bufnr = vim.api.nvim_get_current_buf()
result.attached = vim.wait(15000, function() return #vim.lsp.get_clients({ bufnr = bufnr }) > 0 end, 50)
if not result.attached then return finish() end
local client = vim.lsp.get_clients({ bufnr = bufnr })[1]

result.diagnosed = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
if not result.diagnosed then return finish() end

-- Virtual text: the diagnostic's message drawn as an extmark at the end of its line.
-- Code lenses (drawn at the end of a line too) are not diagnostics: their namespaces are left out.
local function virtual_texts()
  local lens_ns = {}
  for name, id in pairs(vim.api.nvim_get_namespaces()) do
    if name:find('codelens') then lens_ns[id] = true end
  end
  local texts = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, -1, 0, -1, { details = true })) do
    local details = mark[4]
    if details.virt_text and details.virt_text_pos == 'eol' and not lens_ns[details.ns_id] then
      local chunks = vim.tbl_map(function(chunk) return chunk[1] end, details.virt_text)
      table.insert(texts, { line = mark[2], text = table.concat(chunks) })
    end
  end
  return texts
end
vim.wait(5000, function() return #virtual_texts() > 0 end, 50)
result.virtual_text = virtual_texts()
result.diagnostics = vim.tbl_map(function(d)
  return { line = d.lnum, code = d.code, message = d.message }
end, vim.diagnostic.get(bufnr))

-- Inlay hints: enabled by the attach hook, and drawn inline.
result.inlay_enabled = vim.lsp.inlay_hint.is_enabled({ bufnr = bufnr })
vim.wait(5000, function() return #vim.lsp.inlay_hint.get({ bufnr = bufnr }) > 0 end, 50)
result.inlay_hints = vim.tbl_map(function(h)
  local label = h.inlay_hint.label
  if type(label) == 'table' then
    label = table.concat(vim.tbl_map(function(part) return part.value end, label))
  end
  return { line = h.inlay_hint.position.line, label = label }
end, vim.lsp.inlay_hint.get({ bufnr = bufnr }))
result.errmsg = vim.v.errmsg ~= '' and vim.v.errmsg or nil

local typed, pick = os.getenv('SIP_TYPE'), os.getenv('SIP_PICK')
if not typed then return finish() end

-- Completion runs through the main loop (typeahead), so from here on callbacks finish.
vim.api.nvim_create_autocmd('CompleteChanged', {
  once = true,
  callback = function()
    vim.schedule(function()
      local items = vim.fn.complete_info({ 'items' }).items
      result.menu = vim.tbl_map(function(item) return item.abbr end, vim.list_slice(items, 1, 10))
      for i, item in ipairs(items) do
        if item.abbr == pick then
          vim.api.nvim_select_popupmenu_item(i - 1, true, false, {})
          vim.api.nvim_feedkeys(vim.keycode('<C-y>'), 'nt', false)
          return
        end
      end
      result.missing = pick
      finish()
    end)
  end,
})
result.completions = {}
vim.api.nvim_create_autocmd('CompleteDone', {
  callback = function()
    -- Neovim also ends the pending <C-x><C-o> when the server's answer arrives: not an accept.
    table.insert(result.completions, vim.v.event.reason)
    if vim.v.event.reason ~= 'accept' then
      return
    end
    local item = vim.tbl_get(vim.v.completed_item, 'user_data', 'nvim', 'lsp', 'completion_item') or {}
    result.insert_text_format = item.insertTextFormat
    result.new_text = vim.tbl_get(item, 'textEdit', 'newText')
    -- after the LSP CompleteDone handler (registered first) has applied the edit
    vim.schedule(function()
      result.completed_line = vim.api.nvim_get_current_line()
      finish()
    end)
  end,
})
local line = tonumber(os.getenv('SIP_LINE'))
vim.api.nvim_win_set_cursor(0, { line, 0 })
local back = string.rep(vim.keycode('<Left>'), tonumber(os.getenv('SIP_BACK') or '0'))
vim.api.nvim_feedkeys('o' .. typed .. back .. vim.keycode('<C-x><C-o>'), 'nt', false)
