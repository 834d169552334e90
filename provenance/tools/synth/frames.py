"""Sentence templates by frame, headlines, quotes, synonyms for edits, credit disclaimers; filling a template."""

from __future__ import annotations

import random
import re

# ---------------------------------------------------------------------------
# Sentence frames. "[a|b]" picks one alternative; "{SLOT}" is an event fact.
# Every template of a frame uses the same facts, so a rewrite can re-render a
# sentence with another template and say the same thing in other words.
# ---------------------------------------------------------------------------

_FRAMES: dict[str, tuple[str, ...]] = {
    "LEAD": (
        "{ORG1C} said on {DAY} it is [closely|carefully|actively] [monitoring|reviewing|tracking] {ISSUE1}, [following|after] {TRIGGER}.",
        "{R1} {P1} on {DAY} announced {SUBJ} [in|for] {PLACE}, [saying|stating] the move [was needed|had become necessary] [because of|in view of] {ISSUE1}.",
        "[Authorities|Officials] in {PLACE} [have decided|decided on {DAY}] to [go ahead with|press ahead with] {SUBJ} [despite|amid] {ISSUE1}, {ORG1} said.",
        "{SUBJDC} [will begin|is set to begin|will start] [next week|later this month|within days], {R1} {P1} told [reporters|journalists] in {PLACE} on {DAY}.",
        "In a [major|significant|closely watched] [move|step|decision], {ORG1} on {DAY} [cleared|approved|unveiled] {SUBJ} [aimed at|intended to address] {ISSUE1}.",
        "{PLACE} turned its attention to {SUBJ} on {DAY} after {ORG1} [confirmed|announced|said] it would [move ahead|proceed] [despite|amid] {ISSUE1}.",
    ),
    "DETAIL": (
        "{SUBJDC} is expected to [involve|include|cover] [up to|as many as|nearly] {N1} {UNIT1}, [officials said|according to officials|an official said].",
        "[Nearly|About|More than] {N1} {UNIT1} [will take part|are expected to take part|will be covered] [in the first phase|initially|over the coming weeks], [with|and] {N2} {UNIT2} [to follow|joining later|set to join] [by|before] {MONTHN}.",
        "The [plan|programme|project] [carries|has] [an estimated|a projected|a total] cost of {MONEY}, [of which|with] {PCT} [to be borne by|coming from] {ORG2}.",
        "[Officials|The ministry] put the [number|figure] at {N1} {UNIT1}, {PCTA} [rise|increase|jump] [from|over] the [same period last year|previous year|figure recorded in {YEAR}].",
        "[Under|As per] the [plan|proposal|scheme], {N1} {UNIT1} [would|will] be [deployed|involved|covered] [across|in] {PLACE} and {PLACE2} [over|during] the [coming|next] [weeks|months].",
    ),
    "QUOTE": (
        '"{Q}," {SPK} said [when asked about|in response to questions on] {QISSUE}.',
        '"{Q}," {SPKN} [told|said in a statement to] [reporters|the media|lawmakers].',
        '{SPKN}, the {spkr}, said: "{Q}."',
        '"{Q}," {SPKR} [added|said later|stressed].',
        '[Speaking|Talking] to [reporters|the media] in {PLACE}, {SPKN} said, "{Q}."',
    ),
    "REACTION": (
        "{ORG2C} also said it [is working|was working] to [verify|assess|study] the [reports|findings|details] [while keeping|and was keeping] [in close touch|in contact] with {ORG3}.",
        "[Separately|Meanwhile|In a separate statement], {ORG2} [said|noted] that {ISSUE2} [remained|was still|continued to be] [a serious concern|a key concern|a major worry] [for|among] {UNIT1}.",
        "{ORG2C} [welcomed|cautiously welcomed|questioned] the [decision|move|announcement], [saying|arguing] that {ISSUE2} [needed|required|deserved] [urgent attention|a long-term fix|closer scrutiny].",
        "[Opposition|Industry|Community] [leaders|groups|representatives] in {PLACE2} [criticised|questioned|backed] the [timing|scale|cost] of {SUBJD}, [calling for|demanding|seeking] [greater transparency|a detailed briefing|wider consultation].",
        "[Residents|Traders|Local officials] [who spoke to|contacted by|interviewed by] [reporters|the media] in {PLACE} [gave|offered|had] [mixed|cautious|largely positive] [reactions|responses|views] to {SUBJD}.",
    ),
    "CONTEXT": (
        "{COUNTRYC} has [repeatedly|often|in the past] [raised concerns about|warned against|complained about] {ISSUE2}, which [officials|critics|analysts] [say|believe] [has worsened|has grown|has intensified] since {YEAR}.",
        "[The problem of|The issue of] {ISSUE1} [has been|had been] [a recurring|a long-standing|a growing] [concern|worry|challenge] in {PLACE} and [neighbouring|surrounding] [districts|areas|regions], where {N2} {UNIT2} [were affected|were reported|were recorded] last year.",
        "[Analysts|Experts|Observers] [say|said|believe] {SUBJD} [could|may|is likely to] [ease|reduce|address] {ISSUE1} [but|although they] [warned|cautioned|noted] that {ISSUE2} [would take longer to fix|remained unresolved|needed separate measures].",
        "[Critics|Residents|Local groups] [have long|have repeatedly] [argued|complained|pointed out] that {ISSUE2} [was|had been] [ignored|neglected|played down] in {PLACE2}.",
        "[The|This] [latest|most recent] [step|development|move] [follows|comes after] [months of|a year of|weeks of] [debate|pressure|negotiations] over {ISSUE1} [in|across] {COUNTRY}.",
    ),
    "HISTORY": (
        "Last {PERIOD}, {R2} {P2} told {AUD} that {ORG1} [was likely to|would|planned to] {ACTION}.",
        "[Earlier|Back] in {MONTHP}, {P2} [had said|said|announced] that the [government|administration|ministry] [would|intended to|wanted to] {ACTION} [by|before] {YEAR1}.",
        "The [announcement|decision|move] [comes|came] [weeks|months|days] after {P2}, the {r2}, [promised|pledged|vowed] to {ACTION}.",
        "[Only|Just] last {PERIOD}, {P2} had [indicated|hinted|signalled] that {ORG1} [might|could|would] {ACTION} if {ISSUE1} [persisted|continued|worsened].",
        "{ORG1C} first [floated|raised|mooted] a proposal to {ACTION} in {MONTHP}, according to {P2}, the {r2}.",
    ),
    "STAT": (
        "According to {ORG2}, {N2} {UNIT2} [were|had been] [recorded|reported|registered] in {PLACE} [so far this year|in the past month|since January], [up|down] {PCT} from {YEAR}.",
        "[Data|Figures] [released|published|compiled] by {ORG2} [show|showed|indicate] that {PCT} of {UNIT1} in {PLACE2} [were|had been] [affected|covered|included] [by the end of|as of] {MONTHP}.",
        "[Official|Government|Provisional] [estimates|numbers|records] [put|place] the [total|count|tally] at {N2} {UNIT2} [for|across] {PLACE} and {PLACE2} [combined|together].",
        "[In|Across] {PLACE2}, the share of {UNIT1} [affected|covered|involved] [rose|climbed|grew] to {PCT} [in|during] {MONTHP}, {ORG2} [said|estimated|reported].",
    ),
    "BACKGROUND": (
        "{PLACE} and {PLACE2} [have|had] [recently|in recent months] [stepped up|expanded|deepened] [cooperation|coordination] on {TOPICNOUN}, with {P3} and {P2} [signing|agreeing on|finalising] [a new|an updated|a joint] [agreement|framework|pact] in {MONTHP}.",
        "{SUBJDC} was first [proposed|announced|discussed] in {YEAR}, but [progress|work|implementation] [stalled|slowed|was delayed] [because of|due to|amid] {ISSUE2}.",
        "{P3}, [who|a former official who] [heads|leads|chairs] {ORG3}, [said|noted|argued] that the [plan|effort|project] [would|could|might] [benefit|help|support] [more than|nearly|around] {N2} {UNIT2}.",
        "[Work|Planning|Preparation] for {SUBJD} [has involved|has drawn in|brought together] {ORG2}, {ORG3} and [several|a number of|dozens of] [local|district|regional] [bodies|agencies|offices].",
    ),
    "PLAN": (
        "{P1} is [scheduled|expected|due] to [visit|travel to|hold talks in] {PLACE2} [next week|later this month|on {DAY2}] to {ACTION}.",
        "{ORG1C} [will|plans to|is expected to] [submit|present|publish] a [detailed|final|progress] [report|review|plan] [to|before] {ORG3} [by|before] the end of {MONTHN}.",
        "A [final|formal|detailed] decision on {SUBJD} [is expected|will be taken|is likely] [after|following] [consultations with|a meeting of|talks with] {ORG3} [next month|in the coming weeks|before {MONTHN}].",
        "[Officials|Authorities] in {PLACE} [said|indicated] the [next|following] [phase|stage] would [depend on|hinge on|be shaped by] how [quickly|soon] {ISSUE1} [could be|was] [brought under control|contained|resolved].",
        "{R1} {P1} [has called|called|will chair] a [review|meeting|briefing] [on|for] {DAY2} [with|involving] {ORG2} and {ORG3}.",
    ),
    # An independent reporter's own sentences about an event (never used by the wire copy).
    "INDEP": (
        "{PLACE} is [bracing for|preparing for|weighing] {SUBJ}, with {ORG1} [insisting|maintaining|arguing] that it [cannot wait|must go ahead|is overdue] despite {ISSUE1}.",
        "Going by [figures|numbers] [shared|circulated|made available] by {ORG2}, [some|roughly|around] {N1} {UNIT1} [stand to be|could be|are likely to be] [affected|involved|covered].",
        "For [people|families|many] in {PLACE2}, {ISSUE2} [is not|has never been] [an abstract|a distant|an academic] [worry|question|debate].",
        "{P1}, who serves as {r1}, has made {SUBJD} [a centrepiece of|central to|a priority of] [the|this year's] [agenda|programme|plans].",
        "The [price tag|bill|budget] of {MONEY} has [raised eyebrows|drawn questions|prompted debate] among [members of|officials at] {ORG3}.",
        "Since {SUBJD} was [first mooted|floated|first talked about] in {YEAR}, [little|not much] has [moved|happened|changed] on the ground, [critics say|residents complain|some argue].",
        "{P2} and {P3} are [among|part of] [those|the officials] [expected|due|scheduled] to [weigh in|attend|speak] when {ORG3} [meets|convenes] [next|this coming] {DAY2}.",
        "[Numbers|Statistics] [from|compiled by] {ORG2} [point to|suggest|reflect] {PCTA} [shift|change|swing] since {YEAR}, [a trend officials want to reverse|which has sharpened the debate|a figure often cited by critics].",
        "What happens next depends [largely|mostly|in part] on whether {ORG1} [can|will be able to] {ACTION} [in time|on schedule|this year].",
        "{TRIGGERC} [set off|prompted|sparked] the [latest|current|present] [round of|wave of] [discussion|activity|decisions] in {PLACE}.",
        "[Local|Regional] [representatives|leaders|officials] in {PLACE2} [have sought|want|have asked for] [clarity|assurances|answers] on how {ISSUE1} [will be|is to be] [handled|dealt with|tackled].",
        "{N2} {UNIT2} were [counted|logged|listed] [last year|the previous year|in {YEAR}] [alone|in all|overall], [by one official estimate|official records show|according to one count].",
        "[Observers|Watchers|Specialists] in {COUNTRY} [expect|anticipate|predict] [more|further|additional] [announcements|steps|decisions] [before|ahead of] {MONTHN}.",
        "The [matter|issue] has [dominated|featured in|topped] [local|regional|public] [debate|discussion|headlines] in {PLACE} [for days|all week|since {DAY2}].",
        "[Speaking separately|In a separate briefing|Elsewhere], {R2} {P2} [said|noted|pointed out] that {ORG2} [was|is] [ready|prepared|willing] to {ACTION}.",
        "{ORG1C} [did not respond|has not responded] to [requests|a request|queries] for [further|more|additional] [comment|details|information] [by the time of publication|late on {DAY}|by press time].",
        "[Several|A few|Many] {UNIT1} [told this reporter|said in conversations|told local reporters] that they [had heard little|knew little|were given few details] about {SUBJD}.",
        "[Back|Earlier] in {MONTHP}, the [same|very same] [concern|question|issue] [came up|surfaced|was raised] when {P3} [addressed|spoke to|met] [residents|traders|students] in {PLACE}.",
    ),
    # An outlet's own opening paragraph before a wire copy.
    # Quote attributions used only by independent reports of an event.
    "IQUOTE": (
        'In remarks on {DAY}, {SPKN} said: "{Q}."',
        '{SPKN} [put it bluntly|was emphatic|did not mince words]: "{Q}."',
        '"{Q}," {SPKN} [was quoted as saying|said at a public event|remarked at a briefing] [in|near] {PLACE}.',
        '[Asked about|Questioned on] the [matter|issue] [later in the day|that evening], {SPKN} [replied|answered], "{Q}."',
    ),
    "INTRO": (
        "[Here is|Below is] [what we know|the latest] [about|on] {SUBJD} [in|near] {PLACE}, [which|a development that] [has drawn|is drawing] [attention|scrutiny|interest] from [residents|officials|analysts] [across the region|nationwide|in {COUNTRY}].",
        "{PLACE} [is|was] [once again|again] [in focus|in the spotlight] [this week|on {DAY}] as {ISSUE1} [dominates|shapes|colours] [the debate|discussions|public conversation] [over|around] {SUBJD}.",
        "[Readers|Our readers] have been [asking|writing to us] about {ISSUE1}; the [following|wire] report [explains|sets out|describes] [where things stand|the latest position|what officials have said].",
        "[In a development|In news] [that|which] [could|may] [affect|matter to|concern] {N2} {UNIT2}, [authorities|officials] [have moved|acted on {DAY}|spoke on {DAY}] on {SUBJD}.",
    ),
}

_TITLES = (
    "{CADJ} {ORG1S} '[closely|carefully]' monitoring {ISSUE1}",
    "{S1} [says|vows] {SUBJD} will go ahead [despite|amid] {ISSUE1}",
    "{N1} {UNIT1} [to join|expected in|set for] {SUBJD} [in|near] {PLACE}",
    "{PLACE}: {ORG1SC} [clears|approves|unveils] {SUBJS}",
    "[Concern grows|Worry mounts|Questions raised] over {ISSUE1} in {PLACE}",
    "{ORG2SC} [flags|highlights|warns of] {ISSUE2} as {SUBJD} [nears|gets under way|begins]",
    "{R1} {P1} [announces|unveils|outlines] {SUBJ} for {PLACE}",
    "{SUBJDC} [could|may] [cost|need] {MONEY}, [says|estimates] {ORG2S}",
    "'{QSHORT}': {S1} on {SUBJS}",
    "{PLACE} [braces for|prepares for|gears up for] {SUBJD} as {ISSUE1} [persists|continues|deepens]",
)

_QUOTES = (
    "As there is a [possibility|chance|risk] of {ISSUE1}, [this|the situation] is being [closely|carefully] [monitored|watched] [at every level|round the clock|by all agencies]",
    "We [will not|cannot] [allow|accept] {ISSUE1} to [derail|delay|undermine] {SUBJD}, and we [will|shall] [act|respond] [firmly|decisively|promptly] if [needed|required]",
    "{SUBJDC} is [not just|not merely] about {N1} {UNIT1}; it is about [the future of|trust in|the safety of] [every family|every citizen|people] in {PLACE}",
    "Our [teams|officers|staff] have been [working|on the ground] [day and night|since early morning|for weeks], and [I want to|let me] [assure|tell] [people|residents|the public] in {PLACE2} that [help|support|relief] [is on its way|will be available|will be provided]",
    "[Any|Every] [step|measure|action] that [directly or indirectly|in any way] [worsens|fuels|encourages] {ISSUE2} [is|would be] [unacceptable|a violation of our commitments|against the public interest]",
    "We [once again|again|strongly] [urge|call on|ask] {ORG2} to [halt|stop|reconsider] [what it is doing|its current course|these actions] and [return to|resume] [dialogue|consultations|talks] on {ISSUE2}",
    "[The numbers|These figures|The data] [speak for themselves|tell a clear story|are worrying]: {PCT} [more|fewer] {UNIT2} than in {YEAR}, [and|so] we [need|have] to {ACTION}",
    "I have [asked|directed|instructed] [officials|the department|my team] to {ACTION} [within a fortnight|in the next thirty days|within two weeks]",
    "There is [no|absolutely no] [reason|case|need] to [panic|worry|delay], but [we are|I am] [keeping a close watch|watching closely|staying alert] [on|over] {ISSUE2}",
    "{PLACE} [deserves|needs|has waited long enough for] {SUBJ}, and [we|this administration] [intend|want|plan] to [deliver it|see it through|finish the job] [before|by] {YEAR1}",
    "This is a [difficult|challenging|delicate] [moment|period|situation] for {UNIT1} in {PLACE2}, [and|but] [our|the] [priority|focus|aim] [remains|is] to {ACTION}",
    "We are also [cooperating|working|coordinating] with {ORG3} to [confirm|verify|check] [the reports|the details|these claims] about {ISSUE1}",
)

#: Word substitutions used by light edits and rewrites.
_SYN: dict[str, tuple[str, ...]] = {
    "said": ("stated", "noted"),
    "announced": ("declared", "revealed"),
    "monitoring": ("watching", "observing"),
    "closely": ("carefully", "keenly"),
    "officials": ("authorities",),
    "expected": ("likely", "set"),
    "nearly": ("almost", "close to"),
    "working": ("striving", "trying"),
    "concern": ("worry", "issue"),
    "problem": ("challenge", "difficulty"),
    "reports": ("accounts", "claims"),
    "decision": ("ruling", "call"),
    "move": ("step", "measure"),
    "plan": ("proposal", "scheme"),
    "recently": ("lately", "of late"),
    "however": ("but", "still"),
    "warned": ("cautioned", "alerted"),
    "reviewing": ("examining", "studying"),
    "tracking": ("following", "watching"),
    "major": ("big", "key"),
    "significant": ("notable", "important"),
    "repeatedly": ("again and again", "time and again"),
    "cleared": ("approved", "passed"),
    "approved": ("cleared", "sanctioned"),
    "unveiled": ("launched", "presented"),
    "criticised": ("slammed", "faulted"),
    "questioned": ("queried", "challenged"),
    "welcomed": ("hailed", "praised"),
    "added": ("went on to say", "continued"),
    "stressed": ("emphasised", "underlined"),
    "told": ("informed", "briefed"),
    "reporters": ("journalists", "mediapersons"),
    "government": ("administration", "authorities"),
    "begin": ("start", "commence"),
    "increase": ("rise", "jump"),
    "rise": ("increase", "climb"),
    "cost": ("price tag", "outlay"),
    "district": ("area", "region"),
    "residents": ("locals", "inhabitants"),
    "scheduled": ("slated", "due"),
    "visit": ("tour", "travel to"),
    "data": ("figures", "statistics"),
    "figures": ("data", "numbers"),
    "show": ("indicate", "suggest"),
    "noted": ("observed", "remarked"),
    "also": ("further", "additionally"),
    "recorded": ("logged", "registered"),
    "urgent": ("pressing", "immediate"),
    "detailed": ("comprehensive", "thorough"),
    "final": ("conclusive", "definitive"),
    "nationwide": ("countrywide", "national"),
    "authorities": ("officials", "administrators"),
    "agreement": ("accord", "deal"),
    "since": ("ever since", "from"),
    "likely": ("expected", "poised"),
}

#: Auto-publication disclaimers an outlet appends to an unedited agency copy.
#: {outlet} is the outlet's display name. All are matched by
#: provenance.extract.boilerplate.DISCLAIMER (tested).
DISCLAIMERS = (
    "Disclaimer: This post has been auto-published from an agency feed without any modifications to the text and has not been reviewed by an editor",
    "This story has been published from a wire agency feed without modifications to the text.",
    "Only the headline of this report may have been reworked by {outlet} staff; the rest of the content is auto-generated from a syndicated feed.",
    "This article has not been edited by {outlet} staff and is published from a syndicated news feed.",
)


# ---------------------------------------------------------------------------
# Filling a template: alternatives picked, slots replaced by event facts
# ---------------------------------------------------------------------------

_ALT = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([A-Za-z0-9_]+)\}")


def _expand(tpl: str, args: dict[str, str], r: random.Random) -> str:
    s = _ALT.sub(lambda m: r.choice(m.group(1).split("|")), tpl)
    s = _SLOT.sub(lambda m: args[m.group(1)], s)
    return s


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _article(np_: str) -> str:
    return ("an " if np_[:1].lower() in "aeiou" else "a ") + np_


def _fmt_int(x: int) -> str:
    return f"{x:,}"
