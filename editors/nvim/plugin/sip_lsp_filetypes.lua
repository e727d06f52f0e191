-- Filetype detection for the files sip-lsp understands. Neovim has no kamailio, opensips
-- or freeswitch filetypes and detects 'asterisk' only under an asterisk/ directory.
-- A .cfg or .xml is claimed only when its content says so: never every .cfg or .xml.

local function head(bufnr, n)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, n, false), '\n')
end

-- Kamailio/OpenSIPS script: a #! marker, or loadmodule/route blocks in the first lines.
local function ser_flavor(path, bufnr)
  local text = head(bufnr, 400)
  if text:find('#!OPENSIPS', 1, true) then
    return 'opensips'
  end
  if text:find('#!KAMAILIO', 1, true) or text:find('#!SER', 1, true) then
    return 'kamailio'
  end
  local name = vim.fs.basename(path):lower()
  local ser = text:find('loadmodule', 1, true) or text:find('failure_route%s*%[') or text:find('request_route')
  if not ser then
    return nil
  end
  if name:find('opensips', 1, true) or path:lower():find('opensips', 1, true) then
    return 'opensips'
  end
  return 'kamailio'
end

-- FreeSWITCH dialplan XML: <extension>/<condition>/<action application=...>.
local function freeswitch(_, bufnr)
  local text = head(bufnr, 200)
  if text:find('<extension', 1, true) or text:find('<action%s+application%s*=') then
    return 'freeswitch'
  end
  return nil
end

vim.filetype.add({
  filename = {
    ['kamailio.cfg'] = 'kamailio',
    ['opensips.cfg'] = 'opensips',
  },
  extension = {
    cfg = ser_flavor,
    ael = 'asterisk',
    m4 = function(path, bufnr)
      return ser_flavor(path, bufnr)
    end,
  },
  pattern = {
    ['.*/extensions[^/]*%.conf'] = 'asterisk',
    ['extensions[^/]*%.conf'] = 'asterisk',
    -- positive priority: checked before the built-in xml extension, which wins when this returns nil
    ['.*%.xml'] = { freeswitch, { priority = 10 } },
  },
})
