"""Large, realistic configurations for the benchmarks, one generator per dialect.

Each generator repeats a block that looks like production routing (dispatcher
and gateway failover, auth, cancel and 6xx guards, comments, preprocessor
branches), numbered so that no two blocks are equal; every 50th block carries a
real failover bug so the rules have findings to report. `salt` renames every
block, which gives a text of the same shape that no cache has seen (keep it
free of n, x and z: they are pattern letters in Asterisk).

    python bench/generate.py kamailio 10000 > big.cfg
"""

from __future__ import annotations

import sys

KAMAILIO_HEAD = """\
#!KAMAILIO
#!define WITH_AUTH
#!define DBURL "mysql://kamailio:secret@localhost/kamailio"
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "dispatcher.so"
loadmodule "auth_db.so"
modparam("tm", "fr_timer", 30000)
modparam("dispatcher", "ds_ping_reply_codes", "class=2;code=403;code=488")
modparam("auth_db", "db_url", DBURL)

request_route {
\tif (!mf_process_maxfwd_header("10")) {
\t\tsl_send_reply("483", "Too Many Hops");
\t\texit;
\t}
\troute(R{salt}0);
}

"""

# One carrier: pick a destination, relay, and a failure route that guards
# cancel, 6xx, challenges and busy before moving to the next destination.
KAMAILIO_BLOCK = """\
# carrier {n}: dispatcher set {n}, serial failover on 5xx and timeouts
route[R{salt}{n}] {{
\tif (is_method("INVITE") && !has_totag()) {{
\t\tif (!ds_select_dst("{n}", "4")) {{
\t\t\tsend_reply("404", "Not Found");
\t\t\texit;
\t\t}}
\t}}
#!ifdef WITH_AUTH
\tif (!auth_check("$fd", "subscriber", "1")) {{
\t\tauth_challenge("$fd", "0");
\t\texit;
\t}}
#!endif
\tt_on_failure("F{salt}{n}");
\tif (!t_relay()) {{
\t\tsl_reply_error();
\t}}
\texit;
}}

failure_route[F{salt}{n}] {{
\tif (t_is_canceled()) {{
\t\texit;
\t}}
\tif (t_check_status("^(6[0-9][0-9]|401|407)$")) {{
\t\texit;
\t}}
\tif ($T_reply_code == 486) {{
\t\tt_reply("486", "Busy Here");
\t\texit;
\t}}
\tif (t_branch_timeout() || t_check_status("^5[0-9][0-9]$")) {{
\t\tif (ds_next_dst()) {{
\t\t\tt_on_failure("F{salt}{n}");
\t\t\tt_relay();
\t\t\texit;
\t\t}}
\t\tt_reply("503", "Service Unavailable");
\t}}
}}

"""
# The classic bug: no 6xx guard and an unanchored pattern (SC301, SC306, SC302).
KAMAILIO_BUG = (
    KAMAILIO_BLOCK.replace('"^(6[0-9][0-9]|401|407)$"', '"^(401|407)$"')
    .replace("\tif (t_is_canceled()) {{\n\t\texit;\n\t}}\n", "")
    .replace('"^5[0-9][0-9]$"', '"[56][0-9][0-9]"')
)

OPENSIPS_HEAD = """\
#!OPENSIPS
mpath="/usr/lib/x86_64-linux-gnu/opensips/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "drouting.so"
loadmodule "signaling.so"
modparam("tm", "fr_timeout", 5)
modparam("drouting", "db_url", "mysql://opensips:secret@localhost/opensips")

route {
\tif (!mf_process_maxfwd_header(10)) {
\t\tsl_send_reply(483, "Too Many Hops");
\t\texit;
\t}
\troute(r{salt}0);
}

"""
OPENSIPS_BLOCK = """\
# trunk group {n}: dynamic routing, next gateway on 5xx
route[r{salt}{n}] {{
\tif (!do_routing({n})) {{
\t\tsend_reply(404, "No Route");
\t\texit;
\t}}
\tt_on_failure("f{salt}{n}");
\tif (!t_relay()) {{
\t\tsend_reply(500, "Internal Error");
\t}}
\texit;
}}

failure_route[f{salt}{n}] {{
\tif (t_was_cancelled()) {{
\t\texit;
\t}}
\tif (t_check_status("6[0-9][0-9]")) {{
\t\texit;
\t}}
\tif (t_check_status("(408)|(5[0-9][0-9])")) {{
\t\tif (use_next_gw()) {{
\t\t\tt_on_failure("f{salt}{n}");
\t\t\tt_relay();
\t\t\texit;
\t\t}}
\t\tt_reply(503, "All Gateways Down");
\t}}
}}

"""
OPENSIPS_BUG = OPENSIPS_BLOCK.replace('"6[0-9][0-9]"', '"^6[0-9][0-9]$"').replace(
    '"(408)|(5[0-9][0-9])"', '"[56]"'
)

ASTERISK_HEAD = """\
[general]
static=yes
writeprotect=no

[globals]
TRUNK_A=PJSIP/carrier-a
TRUNK_B=PJSIP/carrier-b

"""
ASTERISK_BLOCK = """\
; outbound route {n}: carrier A, carrier B on congestion, DIALSTATUS dispatch
[out{salt}-{n}]
exten => _1NXXNXXXXXX,1,NoOp(route {n})
 same => n,Set(CALLED=${{EXTEN}})
 same => n,Dial(${{TRUNK_A}}/${{EXTEN}},30)
 same => n,GotoIf($["${{DIALSTATUS}}" = "CONGESTION"]?next)
 same => n,Goto(res{salt}-{n}-${{DIALSTATUS}},1)
 same => n(next),Dial(${{TRUNK_B}}/${{EXTEN}},30)
 same => n,Hangup(USER_BUSY)
exten => res{salt}-{n}-BUSY,1,VoiceMail(${{CALLED}}@default,b)
exten => res{salt}-{n}-NOANSWER,1,VoiceMail(${{CALLED}}@default,u)
exten => _res{salt}-{n}-.,1,Gosub(sub{salt}-{n},s,1(${{DIALSTATUS}}))
 same => n,Hangup()

[sub{salt}-{n}]
exten => s,1,ExecIf($[${{HANGUPCAUSE}} = 34]?Congestion())
 same => n,PJSIPHangup(404)
 same => n,Return()

"""
# The bug: the second carrier is dialled whatever the first said (SC301 on 6xx causes).
ASTERISK_BUG = ASTERISK_BLOCK.replace(
    'GotoIf($["${{DIALSTATUS}}" = "CONGESTION"]?next)', "NoOp(no check)"
).replace("Goto(res{salt}-{n}-${{DIALSTATUS}},1)", "NoOp(${{DIALSTATUS}})")

FREESWITCH_HEAD = """\
<?xml version="1.0" encoding="utf-8"?>
<include>
  <context name="public{salt}">
"""
FREESWITCH_TAIL = """\
  </context>
</include>
"""
FREESWITCH_BLOCK = """\
    <!-- DID range {n}: carrier A, then B on temporary trouble -->
    <extension name="did{salt}-{n}" continue="false">
      <condition field="destination_number" expression="^\\+?1555{n}(\\d{{4}})$">
        <action application="set" data="continue_on_fail=NORMAL_TEMPORARY_FAILURE,RECOVERY_ON_TIMER_EXPIRE"/>
        <action application="export" data="nolocal:fail_on_single_reject=USER_BUSY,CALL_REJECTED,\
NORMAL_UNSPECIFIED,NO_ROUTE_DESTINATION,INCOMPATIBLE_DESTINATION,UNWANTED"/>
        <action application="set" data="hangup_after_bridge=true"/>
        <action application="bridge" data="{{leg_timeout=20}}sofia/gateway/a{n}/$1|sofia/gateway/b{n}/$1"/>
        <action application="respond" data="503 Service Unavailable"/>
        <anti-action application="respond" data="404 Not Found"/>
      </condition>
    </extension>
"""
FREESWITCH_BUG = FREESWITCH_BLOCK.replace(
    "nolocal:fail_on_single_reject=USER_BUSY,CALL_REJECTED,", "nolocal:fail_on_single_reject="
)

# KEMI scripts (Kamailio's routing in Python, Lua, JavaScript): the carrier block written with the
# KSR API, as each language's examples write it.
KEMI_PYTHON_HEAD = "import KSR as KSR\n\n\n"
KEMI_PYTHON_BLOCK = """\
# carrier {n}: dispatcher set {n}, serial failover on 5xx and timeouts
def ksr_route_r{salt}{n}():
    if KSR.is_INVITE() and KSR.siputils.has_totag() < 0:
        if KSR.dispatcher.ds_select_dst({n}, 4) < 0:
            KSR.sl.send_reply(404, "Not Found")
            return -255
    if KSR.auth_db.auth_check(KSR.pv.get("$fd"), "subscriber", 1) < 0:
        KSR.auth.auth_challenge(KSR.pv.get("$fd"), 0)
        return -255
    KSR.tm.t_on_failure("ksr_failure_f{salt}{n}")
    if KSR.tm.t_relay() < 0:
        KSR.sl.sl_reply_error()
    return -255


def ksr_failure_f{salt}{n}():
    if KSR.tm.t_is_canceled() > 0:
        return 1
    if KSR.tm.t_check_status("^(6[0-9][0-9]|401|407)$") > 0:
        return 1
    if KSR.pv.get("$T_reply_code") == 486:
        KSR.tm.t_reply(486, "Busy Here")
        return 1
    if KSR.tm.t_branch_timeout() > 0 or KSR.tm.t_check_status("^5[0-9][0-9]$") > 0:
        if KSR.dispatcher.ds_next_dst() > 0:
            KSR.tm.t_on_failure("ksr_failure_f{salt}{n}")
            KSR.tm.t_relay()
            return 1
        KSR.tm.t_reply(503, "Service Unavailable")
    return 1


"""
KEMI_PYTHON_BUG = KEMI_PYTHON_BLOCK.replace("6[0-9][0-9]|401", "401")  # no 6xx guard (SC301)

KEMI_LUA_HEAD = "-- KEMI Lua benchmark\n\n"
KEMI_LUA_BLOCK = """\
-- carrier {n}: dispatcher set {n}, serial failover on 5xx and timeouts
function ksr_route_r{salt}{n}()
\tif KSR.is_INVITE() and KSR.siputils.has_totag() < 0 then
\t\tif KSR.dispatcher.ds_select_dst({n}, 4) < 0 then
\t\t\tKSR.sl.send_reply(404, "Not Found")
\t\t\tKSR.x.exit()
\t\tend
\tend
\tif KSR.auth_db.auth_check(KSR.pv.get("$fd"), "subscriber", 1) < 0 then
\t\tKSR.auth.auth_challenge(KSR.pv.get("$fd"), 0)
\t\tKSR.x.exit()
\tend
\tKSR.tm.t_on_failure("ksr_failure_f{salt}{n}")
\tif KSR.tm.t_relay() < 0 then
\t\tKSR.sl.sl_reply_error()
\tend
\tKSR.x.exit()
end

function ksr_failure_f{salt}{n}()
\tif KSR.tm.t_is_canceled() > 0 then
\t\treturn 1
\tend
\tif KSR.tm.t_check_status("^(6[0-9][0-9]|401|407)$") > 0 then
\t\treturn 1
\tend
\tif KSR.pv.get("$T_reply_code") == 486 then
\t\tKSR.tm.t_reply(486, "Busy Here")
\t\treturn 1
\tend
\tif KSR.tm.t_branch_timeout() > 0 or KSR.tm.t_check_status("^5[0-9][0-9]$") > 0 then
\t\tif KSR.dispatcher.ds_next_dst() > 0 then
\t\t\tKSR.tm.t_on_failure("ksr_failure_f{salt}{n}")
\t\t\tKSR.tm.t_relay()
\t\t\treturn 1
\t\tend
\t\tKSR.tm.t_reply(503, "Service Unavailable")
\tend
end

"""
KEMI_LUA_BUG = KEMI_LUA_BLOCK.replace("6[0-9][0-9]|401", "401")  # no 6xx guard (SC301)

KEMI_JS_HEAD = "// KEMI JavaScript benchmark\n\n"
KEMI_JS_BLOCK = """\
// carrier {n}: dispatcher set {n}, serial failover on 5xx and timeouts
function ksr_route_r{salt}{n}() {{
\tif (KSR.is_INVITE() && KSR.siputils.has_totag() < 0) {{
\t\tif (KSR.dispatcher.ds_select_dst({n}, 4) < 0) {{
\t\t\tKSR.sl.send_reply(404, "Not Found");
\t\t\tKSR.x.exit();
\t\t}}
\t}}
\tif (KSR.auth_db.auth_check(KSR.pv.get("$fd"), "subscriber", 1) < 0) {{
\t\tKSR.auth.auth_challenge(KSR.pv.get("$fd"), 0);
\t\tKSR.x.exit();
\t}}
\tKSR.tm.t_on_failure("ksr_failure_f{salt}{n}");
\tif (KSR.tm.t_relay() < 0) {{
\t\tKSR.sl.sl_reply_error();
\t}}
\tKSR.x.exit();
}}

function ksr_failure_f{salt}{n}() {{
\tif (KSR.tm.t_is_canceled() > 0) {{
\t\treturn 1;
\t}}
\tif (KSR.tm.t_check_status("^(6[0-9][0-9]|401|407)$") > 0) {{
\t\treturn 1;
\t}}
\tif (KSR.pv.get("$T_reply_code") == 486) {{
\t\tKSR.tm.t_reply(486, "Busy Here");
\t\treturn 1;
\t}}
\tif (KSR.tm.t_branch_timeout() > 0 || KSR.tm.t_check_status("^5[0-9][0-9]$") > 0) {{
\t\tif (KSR.dispatcher.ds_next_dst() > 0) {{
\t\t\tKSR.tm.t_on_failure("ksr_failure_f{salt}{n}");
\t\t\tKSR.tm.t_relay();
\t\t\treturn 1;
\t\t}}
\t\tKSR.tm.t_reply(503, "Service Unavailable");
\t}}
}}

"""
KEMI_JS_BUG = KEMI_JS_BLOCK.replace("6[0-9][0-9]|401", "401")  # no 6xx guard (SC301)


DIALECTS = {
    # dialect: (head, block, buggy block, tail, file name)
    "kamailio": (KAMAILIO_HEAD, KAMAILIO_BLOCK, KAMAILIO_BUG, "", "kamailio.cfg"),
    "opensips": (OPENSIPS_HEAD, OPENSIPS_BLOCK, OPENSIPS_BUG, "", "opensips.cfg"),
    "asterisk": (ASTERISK_HEAD, ASTERISK_BLOCK, ASTERISK_BUG, "", "extensions.conf"),
    "freeswitch": (FREESWITCH_HEAD, FREESWITCH_BLOCK, FREESWITCH_BUG, FREESWITCH_TAIL, "dialplan.xml"),
    "kemi-python": (KEMI_PYTHON_HEAD, KEMI_PYTHON_BLOCK, KEMI_PYTHON_BUG, "", "kamailio.py"),
    "kemi-lua": (KEMI_LUA_HEAD, KEMI_LUA_BLOCK, KEMI_LUA_BUG, "", "kamailio.lua"),
    "kemi-javascript": (KEMI_JS_HEAD, KEMI_JS_BLOCK, KEMI_JS_BUG, "", "kamailio.js"),
}


def generate(dialect: str, lines: int, salt: str = "") -> str:
    """About `lines` lines (never fewer) of `dialect` configuration."""
    head, block, bug, tail, _ = DIALECTS[dialect]
    head = head.replace("{salt}", salt)
    out = [head]
    count = head.count("\n") + tail.count("\n")
    per = block.count("\n")
    n = 0
    while count < lines:
        out.append((bug if n % 50 == 49 else block).format(n=n, salt=salt))
        count += per
        n += 1
    out.append(tail)
    return "".join(out)


def file_name(dialect: str) -> str:
    """A file name detection recognises for the dialect."""
    return DIALECTS[dialect][4]


if __name__ == "__main__":
    sys.stdout.write(generate(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000))
