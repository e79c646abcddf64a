### Rugzak: texts for people, English.
### Every id here is in ../nl/rugzak.ftl too (a test checks that), with the same arguments.
### The arguments of each message are in a comment above it ("# $name: ...").

## General

# $message: what went wrong
error-prefix = Error: { $message }
answer-yes-no = [y/N]
# $name: name of the environment variable
knob-ignored = Note: { $name } is ignored. It is only for tests.
lang-nl = Dutch
lang-en = English
# $first: the earlier parts, with commas; $last: the last part
list-and = { $first } and { $last }
# $count: number
items-count = { $count ->
    [one] 1 item
   *[other] { $count } items
  }

## Time. $day, $year: numbers; $month: name of the month; $hour, $minute: two digits

# $day: day; $month: name of the month; $year: year
time-date = { $day } { $month } { $year }
# $day: day; $month: name of the month; $year: year; $hour: hour; $minute: minute
time-date-time = { $day } { $month } { $year }, { $hour }:{ $minute }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Parts of the rugzak: as a heading, and inside a sentence (-inline)

scope-vragenlijsten = Questionnaires
scope-programmas = Programmes
scope-notities = Notes
scope-verwijzing = Referral
scope-intake = Intake
scope-terugkoppeling = Feedback
scope-vragenlijsten-inline = questionnaires
scope-programmas-inline = programmes
scope-notities-inline = notes
scope-verwijzing-inline = referral
scope-intake-inline = intake
scope-terugkoppeling-inline = feedback

## Roles

role-inwoner = resident
role-huisarts = GP
role-welzijnscoach = wellbeing coach
role-poh-ggz = mental health practice nurse
role-other = care professional

## Kinds of items

kind-questionnaire-response = questionnaire
kind-observation = score
kind-programme-progress = programme progress
kind-note = note
kind-referral = referral
kind-intake-note = intake report
kind-feedback = feedback
kind-activity = activity

## What someone may do

mode-read = read
mode-append = add

## State of a grant

grant-state-active = active
grant-state-expired = expired
grant-state-revoked = revoked
grant-state-lifelong = lifelong
grant-state-unconfirmed = not confirmed
grant-state-not-yet-valid = not started yet
grant-state-confirmed = confirmed

## How long and what

# $days: number of days
duration-days = { $days ->
    [one] 1 day
   *[other] { $days } days
  }
duration-lifelong = until you stop it
history-included = including what you stored before
history-from-now = only what you store from now on

## The consent question (the most important screen)
## $who: consent-who or consent-who-org; $read, $append: list of parts (-inline);
## $lifelong: "yes" or "no"; $days: number of days; $history: history-included or history-from-now

# $name: name; $role: role
consent-who = { $name } ({ $role })
# $name: name; $role: role; $organisation: organisation
consent-who-org = { $name } ({ $role }, { $organisation })
# $who: who; $read: parts; $lifelong: yes or no; $days: number of days; $history: which items
consent-read = { $lifelong ->
    [yes] { $who } wants to read your { $read } until you stop it, { $history }.
   *[no] { $who } wants to read your { $read } for { $days ->
        [one] 1 day
       *[other] { $days } days
      }, { $history }.
  }
# $who: who; $append: parts; $lifelong: yes or no; $days: number of days
consent-append = { $lifelong ->
    [yes] { $who } wants to add to your { $append } until you stop it.
   *[no] { $who } wants to add to your { $append } for { $days ->
        [one] 1 day
       *[other] { $days } days
      }.
  }
# $who: who; $read: parts to read; $append: parts to add to; $lifelong: yes or no; $days: number of days; $history: which items
consent-read-append = { $lifelong ->
    [yes] { $who } wants to read your { $read } and add to your { $append } until you stop it, { $history }.
   *[no] { $who } wants to read your { $read } and add to your { $append } for { $days ->
        [one] 1 day
       *[other] { $days } days
      }, { $history }.
  }
consent-question = Approve? [y/N]
# $sentence: the sentence of consent-read, consent-append or consent-read-append
consent-prompt = { $sentence } { consent-question }
# $shown: the name in quotes, or consent-no-display-name
consent-display-name = The name they see for you: { $shown }
consent-no-display-name = (you chose no name)
consent-no-terminal = Confirm with --yes. There is no screen here to ask you.
consent-refused = You did not give consent. Nothing was changed.
consent-none-asked = These parts were not asked for. Choose parts from the request.
# $grant: number of the grant
consent-given = You gave consent (number { $grant }).
# $code: the check code
consent-check-code = Check code: { $code }
# $name: name of the professional
consent-read-code-aloud = Read this code aloud to { $name }. The screen of { $name } must show the same code. Does it show another code? Then someone else answered the request. Say so at once.

## Passphrase

passphrase-prompt = Passphrase:{" "}
passphrase-again = Type the passphrase again:{" "}
passphrase-differ = The two passphrases differ. Please try again.

## Making a rugzak (init) and restoring it (recover)

init-created-vault = Your rugzak has been created.
# $role: role
init-created-professional = Your key as { $role } has been created.
# $id: your number
init-id = Your number: { $id }
# $name: the name
init-display-name = The name professionals see: "{ $name }"
init-recovery-code-title = YOUR RECOVERY CODE (you see this code only once):
init-recovery-code-hint = Write the code down and keep it in a safe place. With this code you get your rugzak back if you lose your phone or computer.
# $flag: the option, for example --name
init-needs-flag = A professional must also give { $flag }.
# $reason: why not
init-bad-display-name = This name cannot be used ({ $reason }). Choose a short name of at most 80 characters.
recover-prompt-code = Recovery code:{" "}
# $reason: why not
recover-bad-code = This is not a valid recovery code ({ $reason }). Check every group of letters and digits.
# $count: number of items
recover-done = Your rugzak has been restored: { $count ->
    [one] 1 item
   *[other] { $count } items
  }.
recover-grants-still-hold = According to the overview these grants still hold:
recover-confirm-prompt = Are they all correct? Then they get the new keys. [y/N]{" "}
# $name: name; $role: role; $organisation: organisation; $parts: the parts
recover-grant-line = { $name } ({ $role }, { $organisation }): { $parts }

## Notes and items

# $id: number of the note
note-saved = Your note has been saved (number { $id }).
# $count: number of items
items-all-ok = { $count ->
    [one] 1 item, all correct.
   *[other] { $count } items, all correct.
  }
# $count: number that are correct; $apart: number kept apart
items-some-apart = { $count ->
    [one] 1 item is correct
   *[other] { $count } items are correct
  }. { $apart ->
    [one] 1 item is kept apart
   *[other] { $apart } items are kept apart
  } (see above).
# $id: number; $scope: part; $reason: why
items-apart-line = Note: item { $id } ({ $scope }) is kept apart: { $reason }
items-apart-unreadable = it cannot be opened
items-apart-unentitled = it was written by someone without consent
items-me = me
item-field-id = Number
item-field-scope = Part
item-field-kind = Kind
item-field-author = Written by
item-field-time = Time
# $prefix: what you typed
item-not-found = There is no item with number { $prefix }.

## Finding by (the start of) a number. $what: resolve-what-*; $prefix: what you typed

# $what: resolve-what-*; $prefix: what you typed
resolve-none = There is no { $what } with number { $prefix }.
# $what: resolve-what-*; $prefix: what you typed
resolve-many = More than one { $what } number starts with { $prefix }. Type more characters.
resolve-what-item = item
resolve-what-grant = grant
resolve-what-vault = rugzak
resolve-what-activity = activity

## Giving consent (grant)

grant-give-image-or-text = Give a photo of the QR code with --image FILE, or its text with --text RZ:...
# $reason: why not
grant-not-a-request = This is not a Rugzak access request ({ $reason }). Scan the code again.
grant-is-recovery-code = This is a recovery code, not an access request. Do you want your rugzak back? Then use `rugzak recover`.

## Overview of grants (grants)

grant-list-col-grant = Grant
grant-list-col-code = Code
grant-list-col-who = Who
grant-list-col-role = Role
grant-list-col-parts = Parts
grant-list-col-until = Until
grant-list-col-uses = Used
grant-list-col-state = State
grant-list-empty = You have not given anyone consent yet.
# $grant: number
grant-list-confirmed = Confirmed: { $grant } gets the new keys.
# $grant: number
grant-list-confirmed-ended = Confirmed, but grant { $grant } no longer holds. No keys are sent to it.
grant-list-unconfirmed-hint = After the recovery these grants get no new keys until you confirm them. Are they correct? Then confirm them with `rugzak grants --confirm`. Is one wrong? Then revoke it with `rugzak revoke`.
# $scope: part; $mode: mode-read or mode-append
grant-list-part = { $scope } ({ $mode })

## Revoking (revoke)

# $grant: number
revoke-done = Grant { $grant } has been revoked.
# $grant: number
revoke-already = Grant { $grant } was already revoked.

## The overview of who did what (log, NEN 7513)

# $text: what you typed
log-bad-date = This date is not valid: { $text }. Write it as year-month-day, for example 2026-12-05.
# $count: number of lines
log-checked = The overview has been checked: nothing was changed or removed. { $count ->
    [one] 1 line
   *[other] { $count } lines
  }.
log-col-seq = No
log-col-time = Time
log-col-event = What
log-col-action = A
log-col-user = Who
log-col-role = Role
log-col-object = About
log-col-grant = Grant
log-col-outcome = Outcome
log-event-grant = consent given
log-event-revoke = revoked
log-event-share-link-create = share link made
log-event-device-change = device changed
log-event-export = exported
log-event-access = read
log-event-append = added
log-event-share-link-open = share link opened
log-outcome-ok = done
# $reason: one of log-deny-*
log-outcome-denied = refused: { $reason }
log-deny-not-authenticated = not signed in
log-deny-replayed = request sent a second time
log-deny-no-grant = no consent
log-deny-grant-not-yet-valid = consent not started yet
log-deny-grant-expired = consent expired
log-deny-grant-revoked = consent revoked
log-deny-scope-not-granted = no consent for this part
log-deny-mode-not-granted = may only add, not read
log-deny-max-uses-reached = consent used up
log-deny-link-expired = share link expired
log-deny-link-revoked = share link revoked
log-deny-link-used-up = share link used up
log-deny-wrong-passcode = wrong passcode
log-deny-link-locked = share link blocked after too many wrong codes
log-user-me = me
log-user-link = someone with the share link
log-object-vault = your rugzak
log-object-grant-parts = parts under the grant
# $id: number
log-object-link = share link { $id }
# $id: number
log-object-device = device { $id }

## Notices after a command

notice-rebuilt = Your grants were rebuilt from the checked overview.
# $grant: number
notice-revoke-seen = The revoke of grant { $grant } is in the overview. Your data get new keys.
# $grant: number
notice-revoke-finished = The revoke of grant { $grant } is now fully done.
# $grant: number
notice-expired = Grant { $grant } has expired. Your data get new keys.
# $parts: list of parts
notice-rotated = New keys for: { $parts }.

## Export

# $count: number of items; $path: file
export-done = { $count ->
    [one] 1 item
   *[other] { $count } items
  } saved in { $path }.
export-open-hint = Open it with: rage -d -i IDENTITY-FILE (see `rugzak export-identity`).
export-identity-warning = WARNING: this file holds your secret key without a passphrase. Anyone who gets the file can open all your exports. Keep it safe and delete it when you no longer need it.
# $path: file
export-identity-written-plain = Identity file saved, without a passphrase: { $path }
# $path: file
export-identity-written = Identity file saved, protected by your passphrase: { $path }
# $path: file
export-identity-open-hint = Open with: rage -d -i { $path } EXPORT.age (rage then asks for your passphrase).

## Share links

share-link-default-label = Shared from my rugzak
# $until: date and time
share-link-made = Share link (valid until { $until }):
# $link: number of the link
share-link-revoke-hint = Revoke: rugzak share-link revoke { $link }
# $link: number of the link
share-link-revoked = Share link { $link } has been revoked. This is in your overview.
share-link-bad-id = This is not a share link nor the number of one. Use the number that `rugzak share-link` showed.
# $reason: why not
share-link-not-rugzak = This is not a Rugzak share link ({ $reason }).
# $reason: why not
share-link-bad-content = The shared content is not correct ({ $reason }). Ask for a new link.
# $label: text of the link; $count: number of items; $vault: number of the rugzak
share-link-opened = { $label }: { $count ->
    [one] 1 item
   *[other] { $count } items
  } from rugzak { $vault }, all correct.

## Asking for access (professional: request, wait)

request-not-professional = This is a resident's rugzak. Only a professional can do this. First make a key with `rugzak init --role`.
# $reason: why not
request-bad-parts = These parts cannot be used ({ $reason }).
request-choose-duration = Choose how long: --days NUMBER or --lifelong.
request-posted = The request is ready. Let the resident scan this code (valid for 15 minutes):
# $path: file
request-png = PNG: { $path }
# $path: file
request-svg = SVG: { $path }
# $reference: reference
request-reference = Reference: { $reference }
# $reference: reference
request-wait-hint = Wait for consent: rugzak wait { $reference }
# $reference: what you typed
request-bad-reference = This reference is not valid: { $reference }
wait-spinner = Waiting for the resident to give consent ...
wait-timeout = No consent yet. The request may have expired. Then make a new request.
wait-wrong-grantee = The server returned a grant for someone else. Do not use it.
# $grant: number; $vault: number of the rugzak
wait-granted = Consent received and code confirmed: { $grant } for rugzak { $vault }.

## Check code (professional)

# $code: the code
check-code = CHECK CODE: { $code }
# $name: name in quotes, or check-no-name
check-name = Name of the resident: { $name }
check-no-name = (no name chosen)
# $vault: number of the rugzak; $grant: number of the grant
check-ids = Rugzak: { $vault }   Grant: { $grant }
check-ask = Ask the resident to read the code on their own screen aloud. Go on only when it is exactly the same.
check-prompt = Is it exactly this code? [y/N]{" "}

## Reading (professional: read)

read-shared-title = Shared with me:
# $vault, $grant: numbers; $name: name; $code: check code; $parts: parts; $state: grant-state-*
read-shared-line = Rugzak { $vault }  grant { $grant }  { $name }  code { $code }  { $parts }  { $state }
read-shared-none = Nobody has shared anything with you yet.
# $vault: number; $count: number of items
read-vault-title = Rugzak { $vault }: { $count ->
    [one] 1 item
   *[other] { $count } items
  } (opened, all correct)
# $score: the score
read-score = Score: { $score }

## Adding (professional: append), referral, feedback, activity

# $item: number; $kind: kind-*; $vault: number of the rugzak
append-done = Added: { $kind } { $item } in rugzak { $vault }.
# $item: number
referral-saved = The referral has been saved (number { $item }).
referral-none = There is no referral yet.
# $item: number
feedback-saved = The feedback has been saved (number { $item }).
feedback-none = There is no feedback yet.
# $item: number
activity-saved = The activity has been saved (number { $item }).
activity-none = There are no activities yet.

## Questionnaires

# $key: name of the questionnaire
quest-unknown = This questionnaire does not exist: { $key }. See `rugzak vragenlijst list`.
# $reason: why not
quest-bad-answers = The answers are not valid ({ $reason }).
quest-saved = Your answers have been saved in your rugzak.
quest-list-title = Questionnaires you can fill in:
quest-list-hint = To fill one in: rugzak vragenlijst fill NAME
# $number: number of the question; $count: number of questions; $text: the question
quest-question = Question { $number } of { $count }: { $text }
quest-options = Choose one of these answers and type its number:
# $min: lowest number; $max: highest number
quest-range = Type a number from { $min } to { $max }.
quest-range-any = Type a whole number.
quest-free-text = Type your answer.
quest-yes-no = Type yes or no.
quest-optional = You may skip this question. Just press Enter.
quest-answer-prompt = Your answer (or "back"):{" "}
quest-back-word = back
quest-invalid-answer = This answer does not fit the question. Please try again.
quest-input-ended = The input stopped.
# $title: name of the questionnaire; $date: date
quest-score-title = Result: { $title } ({ $date })
# $label: name of the score; $value: the score; $min: lowest score; $max: highest score
quest-score-line = { $label }: { $value } (from { $min } to { $max })
quest-gap = important to you, but little lived
quest-band-note = These bands are a common convention. They are not a diagnosis.
quest-self-rated = You filled this in yourself. Usually a professional does it together with you.
quest-advice-title = Our advice:
quest-no-advice = Your scores give no reason for advice.
quest-advice-crisis-line = Talk about it with 113 Zelfmoordpreventie (suicide prevention): call 113 or free 0800-0113, or chat at 113.nl (day and night, anonymous). If you are in immediate danger, call 112.
quest-advice-contact-gp = Contact your GP. Outside office hours, call the out-of-hours GP service (huisartsenpost).
# $title: name of the programme; $id: short name of the programme
quest-advice-programme = Follow the programme { $title }. To start: rugzak programma start { $id }
# $reason: why; $instrument: the questionnaire; $measure: the score; $value: the result; $date: date
quest-reason = { $reason } This advice is based on: { $instrument }, { $measure }: { $value } (filled in on { $date }).
quest-no-results = No scores yet. First fill in a questionnaire, for example: `rugzak vragenlijst fill pss-10`
quest-results-title = Your scores:
quest-trend = Trend:
# $title: the questionnaire; $label: the score; $points: the scores in order
quest-trend-line = { $title }, { $label }: { $points }

## Programmes

# $id: name of the programme
programme-unknown = This programme does not exist: { $id }. See `rugzak programma list`.
# $id: name of the programme
programme-not-started = You have not started programme { $id } yet. Start with `rugzak programma start { $id }`.
programme-example = (example)
programme-list-title = Programmes:
programme-show-any-hint = To learn more, type: rugzak programma show NAME
programme-suggested-title = Suggestions for you, based on your latest scores:
programme-no-suggestions = There are no suggestions for you now. Fill in a questionnaire, and we will see which programme suits you.
# $title: name
programme-started = You started: { $title }
# $title: name
programme-already-started = You had already started: { $title }. Your progress is kept.
# $step: the next step; $id: name of the programme; $number: number of the step
programme-next-step = Next step: { $step } (to see it: rugzak programma show { $id } { $number })
programme-none = You have not started a programme yet. See `rugzak programma list`.
# $id: name of the programme
programme-show-hint = To see a step: rugzak programma show { $id } NUMBER
# $number: number of the step; $total: number of steps; $module: name of the part
programme-step-place = Step { $number } of { $total } — { $module }
programme-exercise = Exercise:
programme-question = Question to reflect on:
# $id: name of the programme; $step: number of the step
programme-reflect-hint = Write down your answer with: rugzak programma reflect { $id } { $step } "your answer". Only you and those you give consent can read it.
# $key: name of the questionnaire
programme-check-in = Fill in the short questionnaire: rugzak vragenlijst fill { $key }
# $id: name of the programme; $step: number of the step
programme-done-hint = Finished this step? Type: rugzak programma done { $id } { $step }
programme-step-done = You have done this step.
programme-your-reflections = Your answers:
# $date: date; $text: what you wrote
programme-reflection = { $date }: { $text }
programme-reflection-saved = Your answer has been saved, encrypted, in your rugzak.
# $id: name of the programme; $step: the step
programme-unknown-step = Programme { $id } has no step { $step }. See `rugzak programma show { $id }`.
# $step: the step
programme-not-reflection = Step { $step } has no question to answer.
programme-empty-reflection = Your answer is empty. Please write something.
# $title: name of the programme; $done: steps done; $total: number of steps
programme-progress = { $title }: { $done } of { $total } steps done
# $module: name of the part; $done: steps done; $total: number of steps
programme-module-progress = { $module }: { $done } of { $total }
programme-all-done = All steps are done. Well done!

## Charts

# $path: file
chart-written = The chart is in { $path }.
chart-png-no-text = Note: the PNG has no words in it. To see them, make an SVG.
# $key: name of the questionnaire
chart-no-scores = There are no scores of { $key } to draw yet. Fill in the questionnaire first: `rugzak vragenlijst fill { $key }`
# $measure: the score asked for; $known: the scores there are
chart-unknown-measure = This score does not exist: { $measure }. Choose from: { $known }.
# $reason: why not
chart-failed = The chart could not be made ({ $reason }).

## Demo

# $server: address
demo-title = Rugzak demo: the Annelies journey (server { $server })
# $number: number; $text: what happens
demo-step = Step { $number }: { $text }
# $reason: why refused
demo-refused = Refused, as expected: { $reason }
demo-done = The demo is done.
demo-step-1 = Annelies, the GP and the coach make their keys
demo-step-2 = Annelies fills in the PSS-10 and writes a note
demo-step-3 = The GP asks for access with a QR code
demo-step-4 = Annelies scans the QR code and gives consent. Both screens show the same check code
demo-step-5 = The GP reads the rugzak
demo-step-6 = The coach may add things from now on, for as long as Annelies wants
demo-step-7 = Annelies looks at her rugzak and the overview of who did what
demo-step-8 = Annelies revokes the GP's consent
demo-step-9 = The GP tries to read again
# $path: folder
demo-homes = Folders: { $path }

## QR codes

# $path: file
qr-unreadable = Rugzak cannot read a QR code in { $path }. Use a sharper photo taken straight on, or give the text with --text.
qr-too-long = This text does not fit in a QR code.

## Errors. error-<code>: one text per stable error code (codes with "_" are here with "-").
## Each says what you can do.

# $code: the error code
error-unknown = Something went wrong ({ $code }).
error-server-error = The server returned an error. Please try again later.
error-internal = Something went wrong in Rugzak itself. Please report this to your practice.
error-internal-error = Something went wrong on the server. Please try again later.
# $server: address; $reason: why
error-unreachable = Rugzak cannot reach the server { $server } ({ $reason }). Is the server running? Also check --server.
# $server: address
error-insecure-server = This server address is not safe: { $server }. Use an address that starts with https://.
# $path: file; $reason: why
error-io = Rugzak cannot read or save { $path } ({ $reason }).
# $path: folder
error-keystore-missing = There is no rugzak in { $path }. Start with `rugzak init` or `rugzak recover`.
# $path: folder
error-keystore-exists = There is already a rugzak in { $path }. Choose another folder with --home.
error-wrong-passphrase = The passphrase is wrong. Please try again.
error-no-passphrase = Rugzak needs your passphrase. Start Rugzak in a terminal, or put it in RUGZAK_PASSPHRASE.
error-keystore-damaged = The file with your keys is damaged. Get your rugzak back with `rugzak recover`.
error-malformed-response = The server gave an answer Rugzak does not understand. It may be another version.

## Errors in Rugzak itself (client)

error-bad-scope-key = A key from the server is not correct. Do not trust this server and report this to your practice.
# $part: a part, for example notes
error-epoch-withheld = The server does not show the newest key of { $part }. Nothing was stored. Please report this to your practice.
# $grant: number
error-grant-withheld = The server hides grant { $grant }, which is in your overview. Please report this to your practice.
error-revoke-unfinished = The grant has been revoked. The server refuses every request of this person from now on. The new keys are not stored yet; the next rugzak command finishes that.
error-bad-item = An item cannot be opened.
error-bad-request = The access request is not valid or has expired. Ask for a new QR code.
error-terms-too-wide = You chose more than was asked. You can only give less than was asked.
# $grant: number
error-no-such-grant = Grant { $grant } does not exist. See `rugzak grants`.
error-not-owner = Only the resident who owns the rugzak can do this.
error-bad-link-options = The share link cannot be made like this. Check the choices.
error-bad-request-form = The request is not filled in correctly.
error-no-grant = You have no consent for this rugzak. First ask the resident for access.
error-bad-grant = A grant from the server is not correct. Nothing was read or sent.
error-vault-keys-mismatch = The server gave keys that do not belong to this rugzak. Nothing was sent. Please report this to your organisation.
error-log-rollback = The overview on the server was set back to an older version. Do not trust this server and report this to your practice.
error-log-fork = The overview on the server was changed. Do not trust this server and report this to your practice.
error-log-invalid = The overview on the server is not correct. Do not trust this server and report this to your practice.
error-server-key-changed = The server uses another key than before. Do not trust this server and report this to your practice.
error-unreadable = This item cannot be opened.
error-unentitled-author = This item was written by someone without consent.
error-check-code-refused = Not confirmed. This grant is not used and nothing was stored. Ask the resident to scan a new QR code. Did you see another code? Report that to your organisation.

## Refusals of the server

error-body-too-large = The request is too large.
error-too-many-items = Too many items at once. Send them in parts.
error-unsupported-media-type = The server did not understand the request (not JSON).
error-malformed-json = The server did not understand the request (not valid JSON).
error-missing-field = Something is missing in the request.
error-unknown-field = The request holds something the server does not know.
error-malformed-base64 = A part of the request is not written correctly.
error-wrong-length = A part of the request does not have the right length.
error-invalid-field = A part of the request is not correct.
error-malformed-id = A number in the address is not correct.
error-malformed-query = The address is not correct.
error-unknown-vault = This rugzak does not exist on this server.
error-unknown-account = This account does not exist.
error-not-found = This address does not exist on the server.
error-method-not-allowed = The server does not allow this request here.
error-unauthenticated = You are not signed in. Please sign in again.
error-unknown-ceremony = Signing in took too long or was already used. Start again.
error-passkey-rejected = The passkey was not accepted.
error-credential-taken = This passkey is already in use.
error-unknown-passkey = The server does not know this passkey.
error-last-passkey = This is your last passkey. You cannot remove it.
error-rate-limited = Too many requests. Wait a moment and try again.
error-too-many-bad-signatures = Too many requests that were not correct. Wait a moment and try again.
error-busy = The server is too busy now. Please try again in a few minutes.
error-missing-signature = The request was not signed.
error-malformed-signature = The signature of the request is not written correctly.
error-unknown-key = The server does not know this key. Use `rugzak init` or `rugzak recover`.
error-bad-signature = The signature of the request is not correct.
error-clock-skew = The clock of this computer does not match the server. Set the right time.
error-replayed-request = This request was already sent before.
error-grant-revoked = The resident revoked the consent. Ask for access again.
error-grant-expired = The consent has expired. Ask for access again.
error-grant-not-yet-valid = The consent has not started yet.
error-grant-uses-exhausted = The consent is used up. Ask for access again.
error-scope-not-granted = No consent was given for this part.
error-append-only = You may only add something, not read.
error-forged-grant = This grant is not genuine.
error-widened-scope = This grant gives more than was asked.
error-expiry-beyond-request = This grant lasts longer than was asked.
error-grant-request-mismatch = This grant does not match the request.
error-request-expired = The request has expired. Ask for a new QR code.
error-invalid-request = The access request is not correct.
error-nonce-reused = This request was already used. Make a new request.
error-grant-exists = This grant was already given.
error-unknown-grant = This grant does not exist.
error-invalid-revocation = The revoke is not correct.
error-invalid-log-entry = A line for the overview is not correct.
error-log-head-moved = The overview changed in the meantime. Please try again.
error-epoch-taken = Another device just made new keys. Please try again.
error-item-conflict = This item already exists with other content.
error-wrong-sealing = This item was not locked correctly.
error-wrong-vault = This belongs to another rugzak.
error-forged-scope-key = This key is not genuine.
error-unknown-item = This item does not exist.
error-request-not-found = The request does not exist (any more) or has expired. Ask for a new QR code.
error-request-exists = This request already exists.
error-unknown-party = The server does not know this person.
error-link-not-found = This link does not exist, has expired, is used up or was revoked. Ask for a new one.
error-link-exists = This link already exists.
error-wrong-passcode = The passcode is wrong. After 5 wrong codes the link stops working.
error-storage-error = The server could not save it. Please try again later.

## Reading items

# $kind: kind; $time: time; $author: who; $item: number
render-heading = { $kind } · { $time } · { $author } · number { $item }
render-author-you = you
render-author-inwoner = the inwoner
# $name: name; $role: role
render-author-grantee = { $name } ({ $role })
# $party: the writer's number
render-author-unknown = unknown writer { $party }
render-score-unreadable = This result cannot be read.
render-answers = The answers to a questionnaire. The result is shown separately.
render-progress = Progress in a programme.
# $to: to whom; $reason: why; $question: question; $agreed: what may be shared; $contact: contact
render-referral =
    {"  "}Referral to: { $to }
    {"  "}Why: { $reason }
    {"  "}Question: { $question }
    {"  "}The inwoner agrees to share: { $agreed }
    {"  "}Contact: { $contact }
# $what: what; $place: where; $when: when; $contact: contact
render-activity =
    {"  "}What: { $what }
    {"  "}Where: { $place }
    {"  "}When: { $when }
    {"  "}Contact: { $contact }
# $item: number of the activity
render-reflection-on = {"  "}About activity { $item }:
kind-reflection = reflection
# $item: number
activity-reflection-saved = Your reflection has been saved (number { $item }).
read-own-only = You may only add to this rugzak. You see only what you wrote yourself.

## The demo of the whole WoR journey

demo-loop-1 = Annelies, the GP and the coach create their keys
demo-loop-2 = At the GP's, Annelies fills in the PSS-10 and writes a note
demo-loop-3 = The GP asks by QR code to read and to add a referral. Annelies agrees for 30 days
demo-loop-4 = The GP reads the result and writes the referral to the wellbeing coach
demo-loop-5 = The coach asks for access: to read what the GP sent, and to add. Annelies agrees for as long as she wants
demo-loop-6 = The coach writes the report of the first talk
demo-loop-7 = Annelies picks a programme from the suggestions and does the first step
demo-loop-8 = The coach records the activity in the neighbourhood
demo-loop-9 = The coach writes the feedback. The GP reads it
demo-loop-10 = Annelies looks at her rugzak and at who did what
demo-loop-11 = Annelies withdraws the GP's access. The coach keeps access
demo-loop-12 = The GP tries to read again. The coach can still add

## Help for the commands (--help) and mistakes in the command line

help = Rugzak: your own encrypted backpack for Welzijn op Recept.
help-usage = Usage:
help-heading-commands = Commands
help-heading-options = Options
help-heading-arguments = Arguments
help-value-command = COMMAND
help--home = The folder with your keys. Without it: RUGZAK_HOME, else ~/.rugzak.
help--server = The server's address. Only needed for init and recover; Rugzak remembers it. Also RUGZAK_SERVER.
help--json = Answer in JSON, for scripts.
help--lang = Language: nl (Dutch, the default) or en (English). Also RUGZAK_LANG or your computer's language.
help--help = Show this help.
help--version = Show the version.
help-help = Show the help for a command.
help-help--subcommand = The command you want help with.
help-init = Create a new rugzak, or a key for a GP or coach.
help-init--role = Who you are: inwoner (the default), huisarts, welzijnscoach or poh-ggz.
help-init--name = Your name. A GP or coach sees it with the check code.
help-init--org = Your organisation (GP and coach).
help-recover = Restore your rugzak with your recovery code.
help-recover--code = Your recovery code. Without it, Rugzak asks for it.
help-recover--yes = Confirm without asking that the grants found in the log still hold.
help-note = Notes in your rugzak.
help-note-add = Write a note.
help-note-add--text = The text.
help-note-list = Show your notes.
help-note-show = Show one note.
help-note-show--item = The note's number (or its first characters).
help-list = Show everything in your rugzak.
help-show = Show one item.
help-show--item = The item's number (or its first characters).
help-request = Ask an inwoner for access (GP and coach). Rugzak makes a QR code.
help-request--read = The parts you want to read, with commas: vragenlijsten, programmas, notities, verwijzing, intake, terugkoppeling.
help-request--append = The parts you want to add to, with commas.
help-request--scopes = Older form: these parts, each with every mode of --mode.
help-request--modes = Older form: read or append, for all the parts you list in the older form. Default: read.
help-request--days = For this many days.
help-request--lifelong = For life, until the inwoner revokes it.
help-request--out = Where to write the QR code as PNG and SVG. Default: your Rugzak folder.
help-request--wait = Then wait for the grant.
help-request--yes = With --wait: do not ask to compare the check code (scripts).
help-wait = Wait until the inwoner grants access.
help-wait--reference = The request's number, as `rugzak request` showed it.
help-wait--timeout = Give up after this many seconds. Default: 600.
help-wait--yes = Do not ask to compare the check code (scripts).
help-grant = Give a GP or coach access (inwoner).
help-grant--image = A photo or image file of the QR code.
help-grant--text = The QR code's text (RZ:...).
help-grant--scopes = Only these of the parts asked for, with commas.
help-grant--days = Shorter: this many days.
help-grant--lifelong = For life (only when asked).
help-grant--history = Include what you stored before (the default).
help-grant--from_now = Only what you store from now on.
help-grant--name = The name the GP or coach sees with the check code. Default: the one from init.
help-grant--yes = Do not ask for confirmation.
help-grants = Show whom you gave access.
help-grants--confirm = After a recovery: confirm that these grants still hold, so that they get the new keys.
help-revoke = Revoke a grant.
help-revoke--grant = The grant's number (or its first characters).
help-read = Read rugzakjes shared with you (GP and coach).
help-read--vault = The rugzak's number (or its first characters). Without it: the list of rugzakjes.
help-read--yes = Do not ask to compare the check code (scripts).
help-append = Add something to a rugzak (GP and coach).
help-append--vault = The rugzak's number (or its first characters).
help-append--kind = What it is: intake (note of the talk, the default), feedback (to the GP), referral (by the GP) or activity (the activity agreed on).
help-append--text = The text (intake and feedback).
help-append--to = Referral: to whom (coach or organisation).
help-append--reason = Referral: why (the complaints).
help-append--question = Referral: the question to the coach.
help-append--agreed = Referral: what the inwoner agreed may be passed on.
help-append--what = Activity: what.
help-append--place = Activity: where.
help-append--when = Activity: when (for example "Tuesday 10:00").
help-append--contact = Referral or activity: whom to contact, and how.
help-append--yes = Do not ask to compare the check code (scripts).
help-activiteit = An activity in the neighbourhood.
help-activiteit-add = Write down the activity you agreed on.
help-activiteit-add--what = What.
help-activiteit-add--place = Where.
help-activiteit-add--when = When (for example "Tuesday 10:00").
help-activiteit-add--contact = Whom to contact there.
help-activiteit-reflect = Write down how an activity went.
help-activiteit-reflect--activity = The activity's number (or its first characters).
help-activiteit-reflect--text = Your text.
help-log = Show who did what with your rugzak: grants and who looked.
help-log--from = From this day (YYYY-MM-DD).
help-log--to = Up to this day (YYYY-MM-DD), not including it.
help-share-link = Make a share link (an address and a QR code), or revoke one.
help-share-link--scopes = Only these parts, with commas. Default: everything.
help-share-link--days = Valid for this many days. Default: 7.
help-share-link--passcode = Ask for this passcode. Pass it on separately.
help-share-link--max_uses = How often the link can be opened at most.
help-share-link--label = The text shown to whoever opens the link.
help-share-link-revoke = Revoke a share link. This goes into your log.
help-share-link-revoke--link = The link's number, or the whole link.
help-open-link = Open a share link.
help-open-link--url = The link (https://.../open#...).
help-open-link--passcode = The passcode, when the link has one.
help-export = Save your whole rugzak in a file.
help-export--out = The file.
help-export--fhir = Write a FHIR bundle (JSON, not encrypted) instead of an encrypted age file.
help-export-identity = Write a key file for age or rage, to open an export with.
help-export-identity--out = Where to write it. Only you can read it. It is encrypted with your passphrase, unless --unencrypted.
help-export-identity--unencrypted = Write the secret key without encryption. Anyone who gets the file can open your exports.
help-vragenlijst = Questionnaires.
help-vragenlijst-list = Show the questionnaires.
help-vragenlijst-fill = Fill in a questionnaire.
help-vragenlijst-fill--key = Which questionnaire: pss-10, vlq, zrm-2017, positieve-gezondheid-kort or check-in.
help-vragenlijst-fill--answers = A JSON file with the answers. Without it, Rugzak asks one question at a time.
help-vragenlijst-results = Show your results and how they change.
help-vragenlijst-grafiek = Make a chart as SVG or PNG.
help-vragenlijst-grafiek--key = Which questionnaire: a spider web for zrm-2017 and positieve-gezondheid-kort (the latest result), a line for pss-10 and vlq (all results).
help-vragenlijst-grafiek--out = The file. A PNG when the name ends in .png. Default: the questionnaire's name with .svg.
help-vragenlijst-grafiek--measure = Which score the line shows. Default: the total.
help-programma = Programmes.
help-programma-list = Show the programmes and what Rugzak suggests for you.
help-programma-show = Show a programme or one step.
help-programma-show--programme = Which programme: rouw, eenzaamheid, stress or somberheid.
help-programma-show--step = The step's number (1, 2, ...). Without it: the overview.
help-programma-start = Start a programme.
help-programma-start--programme = Which programme: rouw, eenzaamheid, stress or somberheid.
help-programma-done = Mark a step done.
help-programma-done--programme = Which programme.
help-programma-done--step = The step's number.
help-programma-reflect = Write your answer to a step's question.
help-programma-reflect--programme = Which programme.
help-programma-reflect--step = The number of the step with the question.
help-programma-reflect--text = Your answer.
help-programma-status = Show how far you are.
help-demo = Play Annelies's journey against a server.
help-demo--dir = Keep the three Rugzak folders here. Default: a temporary folder.
# $arg: the option
mistake-unknown-argument = Rugzak does not know { $arg }.
# $command: the command
mistake-unknown-command = Rugzak has no command { $command }.
# $arg: the option
mistake-missing = Still missing: { $arg }.
# $value: what was typed; $arg: the option
mistake-value = { $value } does not fit { $arg }.
# $arg: the option; $other: the other option
mistake-conflict = { $arg } cannot be used with { $other }.
# $values: the possible values, with commas
mistake-choices = Choose from: { $values }.
mistake-missing-command = Choose a command.
mistake-other = This command line is not right.
mistake-see-help = Put --help after the command to see what you can do.

## The web app

web-other-language = Nederlands
web-other-language-tag = nl
web-nav-label = Menu
web-nav-grants = Permissions
web-lock = Lock
web-working = One moment…
web-loading = Loading…
web-unreachable = Rugzak cannot reach the server. Check that you are online and try again.
web-welcome-title = Welcome to Rugzak
web-welcome-intro = Your rugzak keeps your questionnaires, notes and agreements. Only you decide who sees them. Everything is encrypted on your own device.
web-create-inwoner = Make a new rugzak
web-create-professional = I am a GP or welfare coach
web-recover = Get your rugzak back with your recovery code
web-recover-instead = Another device? Get your rugzak back with your recovery code.
web-create-intro = You make a rugzak on this device. You choose a password to open it.
web-create = Make
web-display-name = Your name (optional)
web-display-name-hint = Your GP or coach sees this name when you give permission.
web-passphrase = Password
web-passphrase-new = Choose a password
web-passphrase-hint = At least 8 characters. A sentence of a few words is easy to remember.
web-passphrase-again = Type the password again
web-passphrases-differ = The two passwords are not the same.
web-unlock-title = Open your rugzak
web-unlock-intro = Type your password to open your rugzak on this device.
web-unlock = Open
web-recovery-title = Write down your recovery code
web-recovery-intro = With this code you get your rugzak back if you lose this device. You see the code only once.
web-recovery-warning = Keep the code on paper, in a safe place. Anyone with this code can open your rugzak.
web-recovery-written = I have written the code down
web-continue = Continue
web-recovery-code = Your recovery code
web-recovery-code-hint = The code you wrote down when you made the rugzak.
web-role = Your work
web-name = Your name
web-organisation = Your practice or organisation
web-overview-title = Your rugzak
web-fill = Fill in a questionnaire
web-scan = Scan a QR code
web-write-note = Write a note
web-note = Your note
web-empty = Your rugzak is still empty. Fill in a questionnaire or write a note.
# $count: how many there are in this part of the rugzak
web-show-all = Show all ({ $count })
web-back-to-overview = Back to the overview
web-refreshing = This is your rugzak as kept on this device. It is being updated now.
web-apart-title = Cannot be opened
# $number: number of the question; $count: number of questions
web-question-of = Question { $number } of { $count }
web-answer-needed = First choose or fill in an answer.
web-back = Back
web-next = Next
web-save = Save
# $title: name of the questionnaire
web-result-title = Your result: { $title }
web-advice-title = What you can do
web-to-overview = To your rugzak
web-camera = Camera view
web-scan-intro = Hold the QR code of your GP or coach in front of the camera.
web-scan-other-ways = Scanning does not work?
web-paste-code = Paste the code as text
web-use-code = Use code
web-upload-photo = Or choose a photo of the QR code
web-no-qr-in-photo = This photo has no QR code that Rugzak can read.
# $reason: what the browser reported
web-camera-failed = The camera does not work ({ $reason }). Paste the code or choose a photo.
web-scan-again = Scan again
web-approve-title = Give permission?
web-which-parts = What may this person do?
web-how-long = For how long?
# $days: number of days
web-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
web-lifelong-choice = For good (until you take it back)
web-approve = Yes, give permission
web-refuse = No, not now
web-approved-title = Permission given
# $name: name of the professional
web-check-code-intro = Read this code aloud to { $name }. The screen of { $name } must show the same code.
web-no-grants = You have not given anyone permission yet.
web-revoke = Take back
# $name: name of the professional
web-revoke-confirm = Do you want to take back the permission of { $name } now? After that { $name } cannot see or add anything.
web-revoked = Taken back
web-expired = Expired
web-lifelong = For good
# $time: end date and time; $days: number of days left
web-until = Until { $time } ({ $days ->
    [one] { $days } day
   *[other] { $days } days
} left)
# $count: how often
web-uses = { $count ->
    [one] used { $count } time
   *[other] used { $count } times
}
# $name: name of the professional
web-pro-title = Welcome, { $name }
web-new-request = New request for access
web-pro-none = Nobody has given you permission yet. Make a request and let the inwoner scan the QR code.
web-which-parts-ask = What do you want to be able to do?
web-mode-none = nothing
web-mode-both = read and add
web-days-asked = How many days?
web-days-asked-hint = 0 means: for good, until the inwoner takes it back.
web-show-qr = Make QR code
web-show-qr-title = Let the inwoner scan this QR code
web-show-qr-intro = The inwoner scans the code with Rugzak on their phone and chooses what you may see.
web-qr-label = QR code with your request for access
web-code-as-text = The code as text
web-waiting = Waiting for the inwoner's answer…
web-compare-title = Compare the code
web-compare-intro = The inwoner reads a code aloud. Is it the same code as here?
web-code-matches = Yes, the code is the same
web-code-differs = No, the code is different
web-vault-title = The inwoner's rugzak
web-refresh = Refresh
web-grant-revoked = The inwoner has taken back your permission. You can no longer see this rugzak.
web-send = Send
web-append-referral = Write a referral
web-append-intake-note = Write an intake report
web-append-activity = Record an activity
web-append-feedback = Write feedback
web-letter-to = To
web-letter-reason = Reason
web-letter-question = Question
web-letter-agreed = Agreed
web-letter-contact = Contact
web-letter-what = What
web-letter-place = Where
web-letter-when = When
web-letter-text = Text
web-letter-on = About
error-bad-answers = The answers are not right. Check them.
error-bad-choices = Your choices are not right. Choose again.
error-bad-kind = This kind of item cannot be added.
error-bad-letter = The form is not filled in well.
error-bad-profile = Fill in your name and your work.
error-bad-recovery-code = This recovery code is not right. Check that you copied it well.
error-bad-reference = This request number is not right.
error-bad-role = Choose your work from the list.
error-bad-scope = This part does not exist.
error-bad-vault = This rugzak number is not right.
error-empty-note = Write something first.
error-in-progress = Rugzak is still busy. Wait a moment.
error-not-locked = Rugzak is not secured on this device yet.
error-not-professional = Only a GP or coach can do this.
error-nothing-chosen = Choose at least one part.
error-passphrase-too-short = The password is too short. Choose at least 8 characters.
error-qr-is-recovery-code = This is a recovery code, not a request for access. Show this code to nobody.
error-qr-not-a-request = This code is not a Rugzak request for access.
error-qr-too-long = The text does not fit in a QR code.
error-unknown-questionnaire = This questionnaire does not exist.
error-wrong-passkey = This passkey does not open this rugzak.
web-charts-title = Your results as pictures
# $title: name of the questionnaire
web-chart-trend-alt = Line of your total scores on { $title } over time
# $title: name of the questionnaire
web-chart-web-alt = Spider web of your scores on { $title }
web-nav-log = Who looked?
web-log-intro = Here you see who opened your rugzak or added to it, and when. Rugzak checked that nobody changed this list.
web-log-from = From
web-log-to = Up to and including
web-log-when = When
web-log-who = Who
web-log-what = What
web-log-about = About
web-log-grant = Permission
web-log-outcome = Outcome
web-log-empty = Nothing happened in this period.
web-or-passkey = Or: without a password
web-passkey-intro = With a passkey you open your rugzak with the fingerprint, face or PIN of this device.
web-create-with-passkey = Make it with a passkey
web-unlock-with-passkey = Open with your passkey
web-unlock-passkey-intro = Use your passkey to open your rugzak on this device.
web-passkey-no-prf = Your passkey cannot secure your rugzak. Choose a password.
web-passkey-failed = The passkey did not work. Try again or choose a password.
web-passkey-other-account = This passkey belongs to another rugzak. Choose the passkey of this rugzak.
web-name-and-organisation-needed = Fill in your name and your organisation.
web-nav-account = Passkeys
web-account-title = Your passkeys
web-account-intro = You sign in with these passkeys. The server keeps only their public part.
web-account-no-passkey = You open Rugzak with a password. You have no passkey.
# $time: date and time
web-passkey-made = Made on { $time }
web-passkey-never-used = not used yet
# $time: date and time
web-passkey-last-used = last used on { $time }
# $remaining: number of tries left
web-wrong-passcode-left = The passcode is wrong. You can try { $remaining } more times.
error-not-a-share-link = This is not a Rugzak share link.
error-bad-link-content = What this link holds cannot be opened. Ask for a new link.
web-nav-share = Share
web-share-title = Share and keep
web-share-intro = Make a link with a QR code. Whoever has the link can read the parts you choose, until the date you choose. You can always revoke the link.
web-share-days = How many days does the link work?
web-share-label = Name of the link
web-share-label-default = My rugzak
web-share-passcode = Passcode (optional)
web-share-passcode-hint = Tell the code separately, for example by phone. After 5 wrong codes the link stops working.
web-share-make = Make link
# $until: end date and time
web-share-made = The link works until { $until }.
web-share-qr-label = QR code of the share link
web-share-passcode-told = Remember to tell the passcode separately.
web-share-link-text = The link as text
web-share-revoke = Revoke link
web-share-revoked = The link is revoked. Nobody can open it any more.
web-export-title = Download everything
web-export-intro = Download your whole rugzak as a file. The file is not encrypted: keep it safe.
web-export-fhir = Download for a care system (FHIR)
web-export-json = Download as a Rugzak file
web-log-download-intro = You can also download this log, for example for a complaint or your records.
web-log-download = Download log (FHIR)
web-open-title = Shared rugzak
web-open-intro = Someone has shared part of their rugzak with you.
web-open-passcode-intro = This link has a passcode. You got it separately.
web-passcode = Passcode
web-open = Open
# $until: end date and time
web-open-until = This link works until { $until }.
error-unknown-programme = There is no such programme.
error-programme-not-started = You have not started this programme yet.
error-unknown-step = This step is not part of this programme.
web-programmes-title = Programmes
web-programmes-intro = A programme helps you step by step, for example with stress or loneliness. You choose whether to start.
web-suggested = Suggested for you
web-why = Why?
# $count: number of steps
web-steps-count = { $count } steps
# $done: steps done; $total: all steps
web-progress = { $done } of { $total } steps done
web-start-programme = Start
web-step-done-button = Done with this step
web-your-answer = Your answer
web-save-answer = Save answer
web-check-in = Fill in the short questionnaire
web-programmes-back = All programmes
web-offline-kept = You are not connected to the server. You see what you opened on this device before.
web-share-list-title = Your share links
web-share-none = You have no share links that still work.
# $made: date and time; $opens: number of times opened
web-share-open-link = Made on { $made }. { $opens ->
    [0] Not opened yet.
    [one] Opened once.
   *[other] Opened { $opens } times.
}
web-to-app = To Rugzak
