" Vim syntax file
" Language:    OpenSIPS routing script (opensips.cfg)
" Maintainer:  sip-lsp (editors/nvim)
" The script language is Kamailio's sibling: reuse syntax/kamailio.vim, then adjust.

if exists('b:current_syntax')
  finish
endif

runtime! syntax/kamailio.vim
unlet! b:current_syntax

" OpenSIPS has no #! preprocessor: only the #!OPENSIPS marker line is special, other #! lines
" are comments.
syn clear kamailioPreProc
syn match kamailioPreProc /^\s*#!OPENSIPS\>.*$/
syn match kamailioComment /#!\%(OPENSIPS\>\)\@!.*$/ contains=kamailioTodo,@Spell

syn keyword kamailioRoute local_route startup_route timer_route error_route
syn keyword kamailioStatement for each in async launch
syn keyword kamailioBuiltin src_proto dst_proto

let b:current_syntax = 'opensips'
