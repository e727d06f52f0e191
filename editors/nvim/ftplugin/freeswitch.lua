-- FreeSWITCH dialplans are XML: syntax/freeswitch.vim builds on XML's; comments are XML's.
vim.bo.commentstring = '<!-- %s -->'
