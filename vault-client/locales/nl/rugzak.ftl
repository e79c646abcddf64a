### Rugzak: teksten voor mensen, Nederlands (B1, met "u").
### Elke id staat ook in ../en/rugzak.ftl (een test controleert dat).
### Gebruik hier nooit de woorden "epoch", "scope" of "geverifieerd", en zeg "u", niet "je" of "jij".
### Argumenten staan bij elk bericht in een commentaar ("# $naam: ...").

## Algemeen

# $message: wat er misging
error-prefix = Fout: { $message }
answer-yes-no = [j/N]
# $name: naam van de omgevingsvariabele
knob-ignored = Let op: { $name } wordt genegeerd. Het is alleen voor tests.
lang-nl = Nederlands
lang-en = Engels
# $first: de eerdere delen, met komma's; $last: het laatste deel
list-and = { $first } en { $last }
# $count: aantal
items-count = { $count ->
    [one] 1 item
   *[other] { $count } items
  }

## Tijd. $day, $year: getallen; $month: naam van de maand; $hour, $minute: met twee cijfers

# $day: dag; $month: naam van de maand; $year: jaar
time-date = { $day } { $month } { $year }
# $day: dag; $month: naam van de maand; $year: jaar; $hour: uur; $minute: minuut
time-date-time = { $day } { $month } { $year }, { $hour }:{ $minute }
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

## Onderdelen van de rugzak: als kopje, en midden in een zin (-inline)

scope-vragenlijsten = Vragenlijsten
scope-programmas = Programma's
scope-notities = Notities
scope-verwijzing = Verwijzing
scope-intake = Intake
scope-terugkoppeling = Terugkoppeling
scope-vragenlijsten-inline = vragenlijsten
scope-programmas-inline = programma's
scope-notities-inline = notities
scope-verwijzing-inline = verwijzing
scope-intake-inline = intake
scope-terugkoppeling-inline = terugkoppeling

## Rollen

role-inwoner = inwoner
role-huisarts = huisarts
role-welzijnscoach = welzijnscoach
role-poh-ggz = praktijkondersteuner ggz
role-other = zorgverlener

## Soorten items

kind-questionnaire-response = vragenlijst
kind-observation = uitslag
kind-programme-progress = programma-voortgang
kind-note = notitie
kind-referral = verwijzing
kind-intake-note = intakeverslag
kind-feedback = terugkoppeling
kind-activity = activiteit

## Wat iemand mag

mode-read = lezen
mode-append = toevoegen

## Stand van een toestemming

grant-state-active = actief
grant-state-expired = verlopen
grant-state-revoked = ingetrokken
grant-state-lifelong = levenslang
grant-state-unconfirmed = niet bevestigd
grant-state-not-yet-valid = nog niet begonnen
grant-state-confirmed = bevestigd

## Hoe lang en wat

# $days: aantal dagen
duration-days = { $days ->
    [one] 1 dag
   *[other] { $days } dagen
  }
duration-lifelong = zolang u dat wilt
history-included = ook wat u eerder bewaarde
history-from-now = alleen wat u vanaf nu bewaart

## De vraag om toestemming (het belangrijkste scherm)
## $who: consent-who of consent-who-org; $read, $append: lijst van onderdelen (-inline);
## $lifelong: "yes" of "no"; $days: aantal dagen; $history: history-included of history-from-now

# $name: naam; $role: rol
consent-who = { $name } ({ $role })
# $name: naam; $role: rol; $organisation: organisatie
consent-who-org = { $name } ({ $role }, { $organisation })
# $who: wie; $read: onderdelen; $lifelong: yes of no; $days: aantal dagen; $history: welke items
consent-read = { $lifelong ->
    [yes] { $who } wil uw { $read } lezen zolang u dat wilt, { $history }.
   *[no] { $who } wil { $days ->
        [one] 1 dag
       *[other] { $days } dagen
      } uw { $read } lezen, { $history }.
  }
# $who: wie; $append: onderdelen; $lifelong: yes of no; $days: aantal dagen
consent-append = { $lifelong ->
    [yes] { $who } wil iets toevoegen aan { $append }, zolang u dat wilt.
   *[no] { $who } wil { $days ->
        [one] 1 dag
       *[other] { $days } dagen
      } iets toevoegen aan { $append }.
  }
# $who: wie; $read: onderdelen om te lezen; $append: onderdelen om aan toe te voegen; $lifelong: yes of no; $days: aantal dagen; $history: welke items
consent-read-append = { $lifelong ->
    [yes] { $who } wil uw { $read } lezen en iets toevoegen aan { $append }, zolang u dat wilt, { $history }.
   *[no] { $who } wil uw { $read } lezen en iets toevoegen aan { $append }, { $days ->
        [one] 1 dag
       *[other] { $days } dagen
      }, { $history }.
  }
consent-question = Goedkeuren? [j/N]
# $sentence: de zin van consent-read, consent-append of consent-read-append
consent-prompt = { $sentence } { consent-question }
# $shown: de naam tussen aanhalingstekens, of consent-no-display-name
consent-display-name = De naam die zij van u zien: { $shown }
consent-no-display-name = (u koos geen naam)
consent-no-terminal = Bevestig met --yes. Er is hier geen scherm om het u te vragen.
consent-refused = U hebt geen toestemming gegeven. Er is niets veranderd.
consent-none-asked = Om deze onderdelen is niet gevraagd. Kies onderdelen uit het verzoek.
# $grant: nummer van de toestemming
consent-given = U hebt toestemming gegeven (nummer { $grant }).
# $code: de controlecode
consent-check-code = Controlecode: { $code }
# $name: naam van de zorgverlener
consent-read-code-aloud = Lees deze code hardop voor aan { $name }. Op het scherm van { $name } moet dezelfde code staan. Staat er een andere code? Dan heeft iemand anders op het verzoek geantwoord. Zeg dat dan meteen.

## Wachtwoord

passphrase-prompt = Wachtwoord:{" "}
passphrase-again = Typ het wachtwoord nog een keer:{" "}
passphrase-differ = De twee wachtwoorden zijn niet gelijk. Probeer het opnieuw.

## Rugzak maken (init) en herstellen (recover)

init-created-vault = Uw rugzak is gemaakt.
# $role: rol
init-created-professional = Uw sleutel als { $role } is gemaakt.
# $id: uw nummer
init-id = Uw nummer: { $id }
# $name: de naam
init-display-name = De naam die zorgverleners zien: "{ $name }"
init-recovery-code-title = UW HERSTELCODE (u ziet deze code maar één keer):
init-recovery-code-hint = Schrijf de code op en bewaar hem op een veilige plek. Met deze code krijgt u uw rugzak terug als u uw telefoon of computer kwijt bent.
# $flag: de optie, bijvoorbeeld --name
init-needs-flag = Een zorgverlener moet ook { $flag } invullen.
# $reason: waarom niet
init-bad-display-name = Deze naam kan niet ({ $reason }). Kies een korte naam van hoogstens 80 tekens.
recover-prompt-code = Herstelcode:{" "}
# $reason: waarom niet
recover-bad-code = Dit is geen goede herstelcode ({ $reason }). Kijk elk groepje letters en cijfers na.
# $count: aantal items
recover-done = Uw rugzak is hersteld: { $count ->
    [one] 1 item
   *[other] { $count } items
  }.
recover-grants-still-hold = Volgens het overzicht gelden deze toestemmingen nog:
recover-confirm-prompt = Kloppen ze allemaal? Dan krijgen zij de nieuwe sleutels. [j/N]{" "}
# $name: naam; $role: rol; $organisation: organisatie; $parts: de onderdelen
recover-grant-line = { $name } ({ $role }, { $organisation }): { $parts }

## Notities en items

# $id: nummer van de notitie
note-saved = Uw notitie is bewaard (nummer { $id }).
# $count: aantal items
items-all-ok = { $count ->
    [one] 1 item, alles klopt.
   *[other] { $count } items, alles klopt.
  }
# $count: aantal die kloppen; $apart: aantal apart
items-some-apart = { $count ->
    [one] 1 item klopt
   *[other] { $count } items kloppen
  }. { $apart ->
    [one] 1 item staat apart
   *[other] { $apart } items staan apart
  } (zie hierboven).
# $id: nummer; $scope: onderdeel; $reason: waarom
items-apart-line = Let op: item { $id } ({ $scope }) staat apart: { $reason }
items-apart-unreadable = het kan niet worden geopend
items-apart-unentitled = het is geschreven door iemand zonder toestemming
items-me = ik
item-field-id = Nummer
item-field-scope = Onderdeel
item-field-kind = Soort
item-field-author = Geschreven door
item-field-time = Tijd
# $prefix: wat u typte
item-not-found = Er is geen item met nummer { $prefix }.

## Zoeken op (het begin van) een nummer. $what: resolve-what-*; $prefix: wat u typte

# $what: resolve-what-*; $prefix: wat u typte
resolve-none = Er is geen { $what } met nummer { $prefix }.
# $what: resolve-what-*; $prefix: wat u typte
resolve-many = Er zijn meer nummers van een { $what } die beginnen met { $prefix }. Typ meer tekens.
resolve-what-item = item
resolve-what-grant = toestemming
resolve-what-vault = rugzak
resolve-what-activity = activiteit

## Toestemming geven (grant)

grant-give-image-or-text = Geef een foto van de QR-code met --image BESTAND, of de tekst met --text RZ:...
# $reason: waarom niet
grant-not-a-request = Dit is geen verzoek om toegang van Rugzak ({ $reason }). Scan de code opnieuw.
grant-is-recovery-code = Dit is een herstelcode, geen verzoek om toegang. Wilt u uw rugzak terughalen? Gebruik dan `rugzak recover`.

## Overzicht van toestemmingen (grants)

grant-list-col-grant = Toestemming
grant-list-col-code = Code
grant-list-col-who = Wie
grant-list-col-role = Rol
grant-list-col-parts = Onderdelen
grant-list-col-until = Tot
grant-list-col-uses = Gebruikt
grant-list-col-state = Stand
grant-list-empty = U hebt nog niemand toestemming gegeven.
# $grant: nummer
grant-list-confirmed = Bevestigd: { $grant } krijgt de nieuwe sleutels.
# $grant: nummer
grant-list-confirmed-ended = Bevestigd, maar toestemming { $grant } geldt niet meer. Er gaan geen sleutels naartoe.
grant-list-unconfirmed-hint = Na het herstel krijgen deze toestemmingen geen nieuwe sleutels tot u ze bevestigt. Kloppen ze? Bevestig ze dan met `rugzak grants --confirm`. Klopt er een niet? Trek die dan in met `rugzak revoke`.
# $scope: onderdeel; $mode: mode-read of mode-append
grant-list-part = { $scope } ({ $mode })

## Intrekken (revoke)

# $grant: nummer
revoke-done = Toestemming { $grant } is ingetrokken.
# $grant: nummer
revoke-already = Toestemming { $grant } was al ingetrokken.

## Het overzicht van wie wat deed (log, NEN 7513)

# $text: wat u typte
log-bad-date = Deze datum klopt niet: { $text }. Schrijf hem als jaar-maand-dag, bijvoorbeeld 2026-12-05.
# $count: aantal regels
log-checked = Het overzicht is gecontroleerd: er is niets veranderd of weggehaald. { $count ->
    [one] 1 regel
   *[other] { $count } regels
  }.
log-col-seq = Nr
log-col-time = Tijd
log-col-event = Wat
log-col-action = A
log-col-user = Wie
log-col-role = Rol
log-col-object = Waarover
log-col-grant = Toestemming
log-col-outcome = Uitkomst
log-event-grant = toestemming gegeven
log-event-revoke = ingetrokken
log-event-share-link-create = deellink gemaakt
log-event-device-change = apparaat gewijzigd
log-event-export = geëxporteerd
log-event-access = gelezen
log-event-append = toegevoegd
log-event-share-link-open = deellink geopend
log-outcome-ok = gelukt
# $reason: een van log-deny-*
log-outcome-denied = geweigerd: { $reason }
log-deny-not-authenticated = niet aangemeld
log-deny-replayed = verzoek werd nog een keer gestuurd
log-deny-no-grant = geen toestemming
log-deny-grant-not-yet-valid = toestemming nog niet begonnen
log-deny-grant-expired = toestemming verlopen
log-deny-grant-revoked = toestemming ingetrokken
log-deny-scope-not-granted = geen toestemming voor dit onderdeel
log-deny-mode-not-granted = mag alleen toevoegen, niet lezen
log-deny-max-uses-reached = toestemming is opgebruikt
log-deny-link-expired = deellink verlopen
log-deny-link-revoked = deellink ingetrokken
log-deny-link-used-up = deellink is opgebruikt
log-deny-wrong-passcode = verkeerde toegangscode
log-deny-link-locked = deellink geblokkeerd na te veel verkeerde codes
log-user-me = ik
log-user-link = iemand met de deellink
log-object-vault = uw rugzak
log-object-grant-parts = onderdelen uit de toestemming
# $id: nummer
log-object-link = deellink { $id }
# $id: nummer
log-object-device = apparaat { $id }

## Meldingen na een opdracht

notice-rebuilt = Uw toestemmingen zijn opnieuw opgebouwd uit het gecontroleerde overzicht.
# $grant: nummer
notice-revoke-seen = Het intrekken van toestemming { $grant } staat in het overzicht. Uw gegevens krijgen nieuwe sleutels.
# $grant: nummer
notice-revoke-finished = Het intrekken van toestemming { $grant } is nu helemaal klaar.
# $grant: nummer
notice-expired = Toestemming { $grant } is verlopen. Uw gegevens krijgen nieuwe sleutels.
# $parts: lijst van onderdelen
notice-rotated = Nieuwe sleutels voor: { $parts }.

## Exporteren

# $count: aantal items; $path: bestand
export-done = { $count ->
    [one] 1 item
   *[other] { $count } items
  } opgeslagen in { $path }.
export-open-hint = Openen kan met: rage -d -i SLEUTELBESTAND (zie `rugzak export-identity`).
export-identity-warning = LET OP: dit bestand bevat uw geheime sleutel zonder wachtwoord. Iedereen die het bestand krijgt, kan al uw exports openen. Bewaar het veilig en wis het als u het niet meer nodig hebt.
# $path: bestand
export-identity-written-plain = Sleutelbestand opgeslagen, zonder wachtwoord: { $path }
# $path: bestand
export-identity-written = Sleutelbestand opgeslagen en beveiligd met uw wachtwoord: { $path }
# $path: bestand
export-identity-open-hint = Openen kan met: rage -d -i { $path } EXPORT.age (rage vraagt dan om uw wachtwoord).

## Deellinks

share-link-default-label = Gedeeld uit mijn rugzak
# $until: datum en tijd
share-link-made = Deellink (geldig tot { $until }):
# $link: nummer van de link
share-link-revoke-hint = Intrekken: rugzak share-link revoke { $link }
# $link: nummer van de link
share-link-revoked = Deellink { $link } is ingetrokken. Dit staat in uw overzicht.
share-link-bad-id = Dit is geen deellink en geen nummer van een deellink. Gebruik het nummer dat `rugzak share-link` liet zien.
# $reason: waarom niet
share-link-not-rugzak = Dit is geen deellink van Rugzak ({ $reason }).
# $reason: waarom niet
share-link-bad-content = De gedeelde inhoud klopt niet ({ $reason }). Vraag om een nieuwe link.
# $label: tekst van de link; $count: aantal items; $vault: nummer van de rugzak
share-link-opened = { $label }: { $count ->
    [one] 1 item
   *[other] { $count } items
  } uit rugzak { $vault }, alles klopt.

## Toegang vragen (zorgverlener: request, wait)

request-not-professional = Dit is de rugzak van een inwoner. Alleen een zorgverlener kan dit doen. Maak eerst een sleutel met `rugzak init --role`.
# $reason: waarom niet
request-bad-parts = Deze onderdelen kunnen niet ({ $reason }).
request-choose-duration = Kies hoe lang: --days AANTAL of --lifelong.
request-posted = Het verzoek staat klaar. Laat de inwoner deze code scannen (15 minuten geldig):
# $path: bestand
request-png = PNG: { $path }
# $path: bestand
request-svg = SVG: { $path }
# $reference: referentie
request-reference = Referentie: { $reference }
# $reference: referentie
request-wait-hint = Wachten op toestemming: rugzak wait { $reference }
# $reference: wat u typte
request-bad-reference = Deze referentie klopt niet: { $reference }
wait-spinner = Wachten tot de inwoner toestemming geeft ...
wait-timeout = Nog geen toestemming. Misschien is het verzoek verlopen. Maak dan een nieuw verzoek.
wait-wrong-grantee = De server gaf een toestemming voor iemand anders. Gebruik deze niet.
# $grant: nummer; $vault: nummer van de rugzak
wait-granted = Toestemming ontvangen en code bevestigd: { $grant } voor rugzak { $vault }.

## Controlecode (zorgverlener)

# $code: de code
check-code = CONTROLECODE: { $code }
# $name: naam tussen aanhalingstekens, of check-no-name
check-name = Naam van de inwoner: { $name }
check-no-name = (geen naam gekozen)
# $vault: nummer van de rugzak; $grant: nummer van de toestemming
check-ids = Rugzak: { $vault }   Toestemming: { $grant }
check-ask = Vraag de inwoner om de code op het eigen scherm hardop voor te lezen. Ga pas verder als die precies gelijk is.
check-prompt = Noemt de inwoner precies deze code? [j/N]{" "}

## Lezen (zorgverlener: read)

read-shared-title = Met mij gedeeld:
# $vault, $grant: nummers; $name: naam; $code: controlecode; $parts: onderdelen; $state: grant-state-*
read-shared-line = Rugzak { $vault }  toestemming { $grant }  { $name }  code { $code }  { $parts }  { $state }
read-shared-none = Nog niemand heeft iets met u gedeeld.
# $vault: nummer; $count: aantal items
read-vault-title = Rugzak { $vault }: { $count ->
    [one] 1 item
   *[other] { $count } items
  } (geopend, alles klopt)
# $score: de uitslag
read-score = Uitslag: { $score }

## Toevoegen (zorgverlener: append), verwijzing, terugkoppeling, activiteit

# $item: nummer; $kind: kind-*; $vault: nummer van de rugzak
append-done = Toegevoegd: { $kind } { $item } in rugzak { $vault }.
# $item: nummer
referral-saved = De verwijzing is bewaard (nummer { $item }).
referral-none = Er is nog geen verwijzing.
# $item: nummer
feedback-saved = De terugkoppeling is bewaard (nummer { $item }).
feedback-none = Er is nog geen terugkoppeling.
# $item: nummer
activity-saved = De activiteit is bewaard (nummer { $item }).
activity-none = Er zijn nog geen activiteiten.

## Vragenlijsten

# $key: naam van de vragenlijst
quest-unknown = Deze vragenlijst bestaat niet: { $key }. Zie `rugzak vragenlijst list`.
# $reason: waarom niet
quest-bad-answers = De antwoorden kloppen niet ({ $reason }).
quest-saved = Uw antwoorden zijn bewaard in uw rugzak.
quest-list-title = Vragenlijsten die u kunt invullen:
quest-list-hint = Invullen: rugzak vragenlijst fill NAAM
# $number: nummer van de vraag; $count: aantal vragen; $text: de vraag
quest-question = Vraag { $number } van { $count }: { $text }
quest-options = Kies een van deze antwoorden en typ het nummer:
# $min: laagste getal; $max: hoogste getal
quest-range = Typ een getal van { $min } tot en met { $max }.
quest-range-any = Typ een heel getal.
quest-free-text = Typ uw antwoord.
quest-yes-no = Typ ja of nee.
quest-optional = Deze vraag mag u overslaan. Druk dan alleen op Enter.
quest-answer-prompt = Uw antwoord (of "terug"):{" "}
quest-back-word = terug
quest-invalid-answer = Dit antwoord past niet bij de vraag. Probeer het nog eens.
quest-input-ended = De invoer is gestopt.
# $title: naam van de vragenlijst; $date: datum
quest-score-title = Uitslag: { $title } ({ $date })
# $label: naam van de score; $value: de score; $min: laagste score; $max: hoogste score
quest-score-line = { $label }: { $value } (van { $min } tot { $max })
quest-gap = belangrijk voor u, maar u leeft er weinig naar
quest-band-note = Deze indeling is een gangbare afspraak. Het is geen diagnose.
quest-self-rated = U heeft dit zelf ingevuld. Normaal doet een zorgverlener dat samen met u.
quest-advice-title = Ons advies:
quest-no-advice = Uw scores geven geen aanleiding voor een advies.
quest-advice-crisis-line = Praat erover met 113 Zelfmoordpreventie: bel 113 of gratis 0800-0113, of chat via 113.nl (dag en nacht, anoniem). Bent u in direct gevaar? Bel dan 112.
quest-advice-contact-gp = Neem contact op met uw huisarts. Buiten kantoortijden belt u de huisartsenpost.
# $title: naam van het programma; $id: korte naam van het programma
quest-advice-programme = Volg het programma { $title }. Beginnen: rugzak programma start { $id }
# $reason: waarom; $instrument: de vragenlijst; $measure: de score; $value: de uitkomst; $date: datum
quest-reason = { $reason } Dit advies komt uit: { $instrument }, { $measure }: { $value } (ingevuld op { $date }).
quest-no-results = Nog geen uitslagen. Vul eerst een vragenlijst in, bijvoorbeeld: `rugzak vragenlijst fill pss-10`
quest-results-title = Uw uitslagen:
quest-trend = Verloop:
# $title: de vragenlijst; $label: de score; $points: de scores na elkaar
quest-trend-line = { $title }, { $label }: { $points }

## Programma's

# $id: naam van het programma
programme-unknown = Dit programma bestaat niet: { $id }. Zie `rugzak programma list`.
# $id: naam van het programma
programme-not-started = U bent nog niet begonnen met programma { $id }. Begin met `rugzak programma start { $id }`.
programme-example = (voorbeeld)
programme-list-title = Programma's:
programme-show-any-hint = Meer weten? Typ: rugzak programma show NAAM
programme-suggested-title = Voorstellen voor u, op grond van uw laatste scores:
programme-no-suggestions = Er zijn nu geen voorstellen voor u. Vul een vragenlijst in, dan kijken we welk programma bij u past.
# $title: naam
programme-started = U bent begonnen met: { $title }
# $title: naam
programme-already-started = U was al begonnen met: { $title }. Uw voortgang blijft bewaard.
# $step: de volgende stap; $id: naam van het programma; $number: nummer van de stap
programme-next-step = Volgende stap: { $step } (bekijk hem met: rugzak programma show { $id } { $number })
programme-none = U bent nog niet met een programma begonnen. Zie `rugzak programma list`.
# $id: naam van het programma
programme-show-hint = Een stap bekijken: rugzak programma show { $id } NUMMER
# $number: nummer van de stap; $total: aantal stappen; $module: naam van het onderdeel
programme-step-place = Stap { $number } van { $total } — { $module }
programme-exercise = Opdracht:
programme-question = Vraag om over na te denken:
# $id: naam van het programma; $step: nummer van de stap
programme-reflect-hint = Schrijf uw antwoord op met: rugzak programma reflect { $id } { $step } "uw antwoord". Alleen u en wie u toestemming geeft kunnen het lezen.
# $key: naam van de vragenlijst
programme-check-in = Vul de korte vragenlijst in: rugzak vragenlijst fill { $key }
# $id: naam van het programma; $step: nummer van de stap
programme-done-hint = Klaar met deze stap? Typ: rugzak programma done { $id } { $step }
programme-step-done = Deze stap heeft u gedaan.
programme-your-reflections = Uw antwoorden:
# $date: datum; $text: wat u schreef
programme-reflection = { $date }: { $text }
programme-reflection-saved = Uw antwoord is versleuteld bewaard in uw rugzak.
# $id: naam van het programma; $step: de stap
programme-unknown-step = Programma { $id } heeft geen stap { $step }. Zie `rugzak programma show { $id }`.
# $step: de stap
programme-not-reflection = Bij stap { $step } hoort geen vraag om op te antwoorden.
programme-empty-reflection = Uw antwoord is leeg. Schrijf iets op.
# $title: naam van het programma; $done: stappen gedaan; $total: aantal stappen
programme-progress = { $title }: { $done } van { $total } stappen gedaan
# $module: naam van het onderdeel; $done: stappen gedaan; $total: aantal stappen
programme-module-progress = { $module }: { $done } van { $total }
programme-all-done = Alle stappen zijn gedaan. Goed gedaan!

## Grafieken

# $path: bestand
chart-written = De grafiek staat in { $path }.
chart-png-no-text = Let op: in de PNG staan geen woorden. Wilt u die wel zien? Maak dan een SVG.
# $key: naam van de vragenlijst
chart-no-scores = Er zijn nog geen scores van { $key } om te tekenen. Vul de vragenlijst eerst in: `rugzak vragenlijst fill { $key }`
# $measure: de gevraagde score; $known: de scores die er zijn
chart-unknown-measure = Deze score bestaat niet: { $measure }. Kies uit: { $known }.
# $reason: waarom niet
chart-failed = De grafiek kon niet worden gemaakt ({ $reason }).

## Demo

# $server: adres
demo-title = Rugzak-demo: de reis van Annelies (server { $server })
# $number: nummer; $text: wat er gebeurt
demo-step = Stap { $number }: { $text }
# $reason: waarom geweigerd
demo-refused = Geweigerd, zoals verwacht: { $reason }
demo-done = De demo is klaar.
demo-step-1 = Annelies, de huisarts en de coach maken hun sleutels
demo-step-2 = Annelies vult de PSS-10 in en schrijft een notitie
demo-step-3 = De huisarts vraagt toegang met een QR-code
demo-step-4 = Annelies scant de QR-code en geeft toestemming. Op beide schermen staat dezelfde controlecode
demo-step-5 = De huisarts leest de rugzak
demo-step-6 = De coach mag voortaan iets toevoegen, zolang Annelies dat wil
demo-step-7 = Annelies bekijkt haar rugzak en het overzicht van wie wat deed
demo-step-8 = Annelies trekt de toestemming van de huisarts in
demo-step-9 = De huisarts probeert opnieuw te lezen
# $path: map
demo-homes = Mappen: { $path }

## QR-codes

# $path: bestand
qr-unreadable = Rugzak kan in { $path } geen QR-code lezen. Gebruik een scherpere foto die recht is genomen, of geef de tekst met --text.
qr-too-long = Deze tekst past niet in een QR-code.

## Fouten. error-<code>: één tekst per vaste foutcode (codes met "_" staan hier met "-").
## Met een uitleg wat u kunt doen.

# $code: de foutcode
error-unknown = Er ging iets mis ({ $code }).
error-server-error = De server gaf een fout. Probeer het later opnieuw.
error-internal = Er ging iets mis in Rugzak zelf. Meld dit bij uw praktijk.
error-internal-error = Er ging iets mis op de server. Probeer het later opnieuw.
# $server: adres; $reason: waarom
error-unreachable = Rugzak kan de server { $server } niet bereiken ({ $reason }). Staat de server aan? Kijk ook of --server goed is.
# $server: adres
error-insecure-server = Dit serveradres is niet veilig: { $server }. Gebruik een adres dat begint met https://.
# $path: bestand; $reason: waarom
error-io = Rugzak kan { $path } niet lezen of opslaan ({ $reason }).
# $path: map
error-keystore-missing = Er staat geen rugzak in { $path }. Begin met `rugzak init` of `rugzak recover`.
# $path: map
error-keystore-exists = Er staat al een rugzak in { $path }. Kies een andere map met --home.
error-wrong-passphrase = Het wachtwoord klopt niet. Probeer het opnieuw.
error-no-passphrase = Rugzak heeft uw wachtwoord nodig. Start Rugzak in een terminal, of zet het in RUGZAK_PASSPHRASE.
error-keystore-damaged = Het bestand met uw sleutels is beschadigd. Haal uw rugzak terug met `rugzak recover`.
error-malformed-response = De server gaf een antwoord dat Rugzak niet begrijpt. Misschien is het een andere versie.

## Fouten in Rugzak zelf (client)

error-bad-scope-key = Een sleutel van de server klopt niet. Vertrouw deze server niet en meld dit bij uw praktijk.
# $part: een onderdeel, bijvoorbeeld notities
error-epoch-withheld = De server laat de nieuwste sleutel van { $part } niet zien. Er is niets opgeslagen. Meld dit bij uw praktijk.
# $grant: nummer
error-grant-withheld = De server verbergt toestemming { $grant }, die in uw overzicht staat. Meld dit bij uw praktijk.
error-revoke-unfinished = De toestemming is ingetrokken. De server weigert vanaf nu elk verzoek van deze persoon. De nieuwe sleutels zijn nog niet opgeslagen; de volgende rugzak-opdracht maakt dat af.
error-bad-item = Een item kan niet worden geopend.
error-bad-request = Het verzoek om toegang klopt niet of is verlopen. Vraag om een nieuwe QR-code.
error-terms-too-wide = U koos meer dan er gevraagd is. U kunt alleen minder geven dan gevraagd.
# $grant: nummer
error-no-such-grant = Toestemming { $grant } bestaat niet. Zie `rugzak grants`.
error-not-owner = Dit kan alleen de inwoner die de rugzak heeft.
error-bad-link-options = De deellink kan zo niet gemaakt worden. Kijk de keuzes na.
error-bad-request-form = Het verzoek is niet goed ingevuld.
error-no-grant = U hebt geen toestemming voor deze rugzak. Vraag de inwoner eerst om toegang.
error-bad-grant = Een toestemming van de server klopt niet. Er is niets gelezen of verstuurd.
error-vault-keys-mismatch = De server gaf sleutels die niet bij deze rugzak horen. Er is niets verstuurd. Meld dit bij uw organisatie.
error-log-rollback = Het overzicht op de server is teruggezet naar een oudere versie. Vertrouw deze server niet en meld dit bij uw praktijk.
error-log-fork = Het overzicht op de server is veranderd. Vertrouw deze server niet en meld dit bij uw praktijk.
error-log-invalid = Het overzicht op de server klopt niet. Vertrouw deze server niet en meld dit bij uw praktijk.
error-server-key-changed = De server gebruikt een andere sleutel dan eerst. Vertrouw deze server niet en meld dit bij uw praktijk.
error-unreadable = Dit item kan niet worden geopend.
error-unentitled-author = Dit item is geschreven door iemand zonder toestemming.
error-check-code-refused = Niet bevestigd. Deze toestemming wordt niet gebruikt en er is niets bewaard. Vraag de inwoner een nieuwe QR-code te scannen. Zag u een andere code? Meld dat bij uw organisatie.

## Weigeringen van de server

error-body-too-large = Het verzoek is te groot.
error-too-many-items = Te veel items in één keer. Stuur ze in delen.
error-unsupported-media-type = De server begreep het verzoek niet (geen JSON).
error-malformed-json = De server begreep het verzoek niet (geen goede JSON).
error-missing-field = Er ontbreekt iets in het verzoek.
error-unknown-field = Het verzoek bevat iets wat de server niet kent.
error-malformed-base64 = Een deel van het verzoek is niet goed geschreven.
error-wrong-length = Een deel van het verzoek heeft niet de goede lengte.
error-invalid-field = Een deel van het verzoek klopt niet.
error-malformed-id = Een nummer in het adres klopt niet.
error-malformed-query = Het adres klopt niet.
error-unknown-vault = Deze rugzak bestaat niet op deze server.
error-unknown-account = Dit account bestaat niet.
error-not-found = Dit adres bestaat niet op de server.
error-method-not-allowed = De server staat dit verzoek hier niet toe.
error-unauthenticated = U bent niet aangemeld. Meld u opnieuw aan.
error-unknown-ceremony = Het aanmelden duurde te lang of is al gebruikt. Begin opnieuw.
error-passkey-rejected = De toegangssleutel (passkey) werd niet geaccepteerd.
error-credential-taken = Deze toegangssleutel is al in gebruik.
error-unknown-passkey = Deze toegangssleutel kent de server niet.
error-last-passkey = Dit is uw laatste toegangssleutel. Die kunt u niet weghalen.
error-rate-limited = Te veel verzoeken. Wacht even en probeer het opnieuw.
error-too-many-bad-signatures = Te veel verzoeken die niet klopten. Wacht even en probeer het opnieuw.
error-busy = De server is nu te druk. Probeer het over een paar minuten opnieuw.
error-missing-signature = Het verzoek was niet ondertekend.
error-malformed-signature = De ondertekening van het verzoek is niet goed geschreven.
error-unknown-key = De server kent deze sleutel niet. Gebruik `rugzak init` of `rugzak recover`.
error-bad-signature = De ondertekening van het verzoek klopt niet.
error-clock-skew = De klok van deze computer loopt niet gelijk met de server. Zet de tijd goed.
error-replayed-request = Dit verzoek is al eerder gestuurd.
error-grant-revoked = De inwoner heeft de toestemming ingetrokken. Vraag opnieuw om toegang.
error-grant-expired = De toestemming is verlopen. Vraag opnieuw om toegang.
error-grant-not-yet-valid = De toestemming is nog niet begonnen.
error-grant-uses-exhausted = De toestemming is opgebruikt. Vraag opnieuw om toegang.
error-scope-not-granted = Voor dit onderdeel is geen toestemming gegeven.
error-append-only = U mag alleen iets toevoegen, niet lezen.
error-forged-grant = Deze toestemming is niet echt.
error-widened-scope = Deze toestemming geeft meer dan er gevraagd is.
error-expiry-beyond-request = Deze toestemming duurt langer dan er gevraagd is.
error-grant-request-mismatch = Deze toestemming past niet bij het verzoek.
error-request-expired = Het verzoek is verlopen. Vraag om een nieuwe QR-code.
error-invalid-request = Het verzoek om toegang klopt niet.
error-nonce-reused = Dit verzoek is al eerder gebruikt. Maak een nieuw verzoek.
error-grant-exists = Deze toestemming is al gegeven.
error-unknown-grant = Deze toestemming bestaat niet.
error-invalid-revocation = Het intrekken klopt niet.
error-invalid-log-entry = Een regel voor het overzicht klopt niet.
error-log-head-moved = Het overzicht is intussen veranderd. Probeer het opnieuw.
error-epoch-taken = Een ander apparaat maakte net nieuwe sleutels. Probeer het opnieuw.
error-item-conflict = Dit item bestaat al met een andere inhoud.
error-wrong-sealing = Dit item is niet goed op slot gedaan.
error-wrong-vault = Dit hoort bij een andere rugzak.
error-forged-scope-key = Deze sleutel is niet echt.
error-unknown-item = Dit item bestaat niet.
error-request-not-found = Het verzoek bestaat niet (meer) of is verlopen. Vraag om een nieuwe QR-code.
error-request-exists = Dit verzoek bestaat al.
error-unknown-party = De server kent deze persoon niet.
error-link-not-found = Deze link bestaat niet, is verlopen, opgebruikt of ingetrokken. Vraag om een nieuwe.
error-link-exists = Deze link bestaat al.
error-wrong-passcode = De toegangscode is verkeerd. Na 5 keer een verkeerde code werkt de link niet meer.
error-storage-error = De server kon het niet opslaan. Probeer het later opnieuw.

## Items lezen

# $kind: soort; $time: tijd; $author: wie; $item: nummer
render-heading = { $kind } · { $time } · { $author } · nummer { $item }
render-author-you = u
render-author-inwoner = de inwoner
# $name: naam; $role: rol
render-author-grantee = { $name } ({ $role })
# $party: nummer van de schrijver
render-author-unknown = onbekende schrijver { $party }
render-score-unreadable = Deze uitslag kan niet worden gelezen.
render-answers = De antwoorden op een vragenlijst. De uitslag staat apart.
render-progress = Voortgang in een programma.
# $to: aan wie; $reason: waarom; $question: vraag; $agreed: wat gedeeld mag worden; $contact: contact
render-referral =
    {"  "}Verwijzing aan: { $to }
    {"  "}Waarom: { $reason }
    {"  "}Vraag: { $question }
    {"  "}De inwoner vindt goed dat dit wordt gedeeld: { $agreed }
    {"  "}Contact: { $contact }
# $what: wat; $place: waar; $when: wanneer; $contact: contact
render-activity =
    {"  "}Wat: { $what }
    {"  "}Waar: { $place }
    {"  "}Wanneer: { $when }
    {"  "}Contact: { $contact }
# $item: nummer van de activiteit
render-reflection-on = {"  "}Bij activiteit { $item }:
kind-reflection = ervaring
# $item: nummer
activity-reflection-saved = Uw ervaring is bewaard (nummer { $item }).
read-own-only = U mag in deze rugzak alleen iets toevoegen. U ziet alleen wat u zelf schreef.

## De demo van de hele WoR-reis

demo-loop-1 = Annelies, de huisarts en de coach maken hun sleutels
demo-loop-2 = Annelies vult bij de huisarts de PSS-10 in en schrijft een notitie
demo-loop-3 = De huisarts vraagt met een QR-code om te lezen en een verwijzing toe te voegen. Annelies geeft 30 dagen toestemming
demo-loop-4 = De huisarts leest de uitslag en schrijft de verwijzing naar de welzijnscoach
demo-loop-5 = De coach vraagt toegang: lezen wat de huisarts stuurde, en toevoegen. Annelies geeft toestemming zolang zij wil
demo-loop-6 = De coach schrijft het verslag van het eerste gesprek
demo-loop-7 = Annelies kiest een programma uit de suggesties en doet de eerste stap
demo-loop-8 = De coach legt de activiteit in de wijk vast
demo-loop-9 = De coach schrijft de terugkoppeling. De huisarts leest die
demo-loop-10 = Annelies bekijkt haar rugzak en het overzicht van wie wat deed
demo-loop-11 = Annelies trekt de toestemming van de huisarts in. De coach houdt toegang
demo-loop-12 = De huisarts probeert opnieuw te lezen. De coach kan nog iets toevoegen

## Hulp bij de opdrachten (--help) en fouten in de opdrachtregel

help = Rugzak: uw eigen versleutelde rugzakje voor Welzijn op Recept.
help-usage = Gebruik:
help-heading-commands = Opdrachten
help-heading-options = Keuzes
help-heading-arguments = Gegevens
help-value-command = OPDRACHT
help--home = De map met uw sleutels. Zonder deze keuze: RUGZAK_HOME, anders ~/.rugzak.
help--server = Het adres van de server. Alleen nodig bij init en recover; Rugzak onthoudt het. Kan ook met RUGZAK_SERVER.
help--json = Geef het antwoord als JSON, voor scripts.
help--lang = Taal: nl (Nederlands, standaard) of en (Engels). Kan ook met RUGZAK_LANG of de taal van uw computer.
help--help = Toon deze hulp.
help--version = Toon de versie.
help-help = Toon de hulp bij een opdracht.
help-help--subcommand = De opdracht waarover u hulp wilt.
help-init = Maak een nieuwe rugzak, of een sleutel voor een huisarts of coach.
help-init--role = Wie u bent: inwoner (standaard), huisarts, welzijnscoach of poh-ggz.
help-init--name = Uw naam. Een huisarts of coach ziet die naam bij de controlecode.
help-init--org = Uw organisatie (voor huisarts en coach).
help-recover = Haal uw rugzak terug met uw herstelcode.
help-recover--code = Uw herstelcode. Zonder deze keuze vraagt Rugzak erom.
help-recover--yes = Bevestig zonder vragen dat de toestemmingen uit het overzicht nog gelden.
help-note = Notities in uw rugzak.
help-note-add = Schrijf een notitie.
help-note-add--text = De tekst.
help-note-list = Toon uw notities.
help-note-show = Toon één notitie.
help-note-show--item = Het nummer van de notitie (of het begin ervan).
help-list = Toon alles in uw rugzak.
help-show = Toon één item.
help-show--item = Het nummer van het item (of het begin ervan).
help-request = Vraag een inwoner om toegang (voor huisarts en coach). Rugzak maakt een QR-code.
help-request--read = De onderdelen die u wilt lezen, met komma's: vragenlijsten, programmas, notities, verwijzing, intake, terugkoppeling.
help-request--append = De onderdelen waaraan u iets wilt toevoegen, met komma's.
help-request--scopes = Oude vorm: deze onderdelen, elk met alles uit --mode.
help-request--modes = Oude vorm: read (lezen) of append (toevoegen), voor elk onderdeel van de oude vorm. Standaard: read.
help-request--days = Voor zoveel dagen.
help-request--lifelong = Voor altijd, tot de inwoner het intrekt.
help-request--out = Waar de QR-code komt, als PNG en SVG. Standaard: uw Rugzak-map.
help-request--wait = Wacht daarna op de toestemming.
help-request--yes = Met --wait: vraag niet om de controlecode te vergelijken (voor scripts).
help-wait = Wacht tot de inwoner toestemming geeft.
help-wait--reference = Het nummer van het verzoek. `rugzak request` toonde het.
help-wait--timeout = Stop na zoveel seconden. Standaard: 600.
help-wait--yes = Vraag niet om de controlecode te vergelijken (voor scripts).
help-grant = Geef een huisarts of coach toestemming (voor inwoners).
help-grant--image = Een foto of afbeelding van de QR-code.
help-grant--text = De tekst van de QR-code (RZ:...).
help-grant--scopes = Alleen deze onderdelen van wat gevraagd is, met komma's.
help-grant--days = Korter: zoveel dagen.
help-grant--lifelong = Voor altijd (alleen als dat gevraagd is).
help-grant--history = Ook wat u eerder bewaarde (standaard).
help-grant--from_now = Alleen wat u vanaf nu bewaart.
help-grant--name = De naam die de huisarts of coach ziet bij de controlecode. Standaard: de naam van init.
help-grant--yes = Vraag niet om een bevestiging.
help-grants = Toon aan wie u toestemming gaf.
help-grants--confirm = Na herstel: bevestig dat deze toestemmingen nog gelden. Dan krijgen zij de nieuwe sleutels.
help-revoke = Trek een toestemming in.
help-revoke--grant = Het nummer van de toestemming (of het begin ervan).
help-read = Lees rugzakjes die met u gedeeld zijn (voor huisarts en coach).
help-read--vault = Het nummer van de rugzak (of het begin ervan). Zonder nummer: de lijst van rugzakjes.
help-read--yes = Vraag niet om de controlecode te vergelijken (voor scripts).
help-append = Voeg iets toe aan een rugzak (voor huisarts en coach).
help-append--vault = Het nummer van de rugzak (of het begin ervan).
help-append--kind = Wat het is: intake (notitie van het gesprek, standaard), feedback (terugkoppeling aan de huisarts), referral (verwijzing door de huisarts) of activity (de afgesproken activiteit).
help-append--text = De tekst (bij intake en feedback).
help-append--to = Verwijzing: naar wie (coach of organisatie).
help-append--reason = Verwijzing: waarom (de klachten).
help-append--question = Verwijzing: de vraag aan de coach.
help-append--agreed = Verwijzing: wat de inwoner goed vindt om door te geven.
help-append--what = Activiteit: wat.
help-append--place = Activiteit: waar.
help-append--when = Activiteit: wanneer (bijvoorbeeld "dinsdag 10:00").
help-append--contact = Verwijzing of activiteit: met wie u contact opneemt, en hoe.
help-append--yes = Vraag niet om de controlecode te vergelijken (voor scripts).
help-activiteit = Een activiteit in de wijk.
help-activiteit-add = Schrijf op welke activiteit u afsprak.
help-activiteit-add--what = Wat.
help-activiteit-add--place = Waar.
help-activiteit-add--when = Wanneer (bijvoorbeeld "dinsdag 10:00").
help-activiteit-add--contact = Met wie u daar contact opneemt.
help-activiteit-reflect = Schrijf op hoe het ging bij een activiteit.
help-activiteit-reflect--activity = Het nummer van de activiteit (of het begin ervan).
help-activiteit-reflect--text = Uw tekst.
help-log = Toon wie wat deed met uw rugzak: toestemmingen en wie keek.
help-log--from = Vanaf deze dag (JJJJ-MM-DD).
help-log--to = Tot deze dag (JJJJ-MM-DD). Die dag zelf telt niet mee.
help-share-link = Maak een deellink (een adres en een QR-code), of trek er een in.
help-share-link--scopes = Alleen deze onderdelen, met komma's. Standaard: alles.
help-share-link--days = Zoveel dagen geldig. Standaard: 7.
help-share-link--passcode = Vraag deze toegangscode. Geef de code apart door.
help-share-link--max_uses = Hoe vaak de link ten hoogste geopend kan worden.
help-share-link--label = De tekst die iemand ziet die de link opent.
help-share-link-revoke = Trek een deellink in. Dat komt in uw overzicht.
help-share-link-revoke--link = Het nummer van de link, of de hele link.
help-open-link = Open een deellink.
help-open-link--url = De link (https://.../open#...).
help-open-link--passcode = De toegangscode, als de link er een heeft.
help-export = Bewaar uw hele rugzak in een bestand.
help-export--out = Het bestand.
help-export--fhir = Schrijf een FHIR-bundel (JSON, niet versleuteld) in plaats van een versleuteld age-bestand.
help-export-identity = Schrijf een sleutelbestand voor age of rage. Daarmee opent u een export.
help-export-identity--out = Waar het bestand komt. Alleen u kunt het lezen. Het is versleuteld met uw wachtwoord, behalve met --unencrypted.
help-export-identity--unencrypted = Schrijf de geheime sleutel zonder versleuteling. Wie het bestand krijgt, kan uw exports openen.
help-vragenlijst = Vragenlijsten.
help-vragenlijst-list = Toon de vragenlijsten.
help-vragenlijst-fill = Vul een vragenlijst in.
help-vragenlijst-fill--key = Welke vragenlijst: pss-10, vlq, zrm-2017, positieve-gezondheid-kort of check-in.
help-vragenlijst-fill--answers = Een JSON-bestand met de antwoorden. Zonder dit bestand stelt Rugzak de vragen een voor een.
help-vragenlijst-results = Toon uw uitslagen en hoe ze veranderen.
help-vragenlijst-grafiek = Maak een grafiek als SVG of PNG.
help-vragenlijst-grafiek--key = Welke vragenlijst: een web voor zrm-2017 en positieve-gezondheid-kort (de laatste uitslag), een lijn voor pss-10 en vlq (alle uitslagen).
help-vragenlijst-grafiek--out = Het bestand. Een PNG als de naam eindigt op .png. Standaard: de naam van de vragenlijst met .svg.
help-vragenlijst-grafiek--measure = Welke score de lijn toont. Standaard: het totaal.
help-programma = Programma's.
help-programma-list = Toon de programma's en wat Rugzak u aanraadt.
help-programma-show = Bekijk een programma of één stap.
help-programma-show--programme = Welk programma: rouw, eenzaamheid, stress of somberheid.
help-programma-show--step = Het nummer van de stap (1, 2, ...). Zonder nummer: het overzicht.
help-programma-start = Begin aan een programma.
help-programma-start--programme = Welk programma: rouw, eenzaamheid, stress of somberheid.
help-programma-done = Vink een stap af.
help-programma-done--programme = Welk programma.
help-programma-done--step = Het nummer van de stap.
help-programma-reflect = Schrijf uw antwoord op de vraag bij een stap.
help-programma-reflect--programme = Welk programma.
help-programma-reflect--step = Het nummer van de stap met de vraag.
help-programma-reflect--text = Uw antwoord.
help-programma-status = Toon hoe ver u bent.
help-demo = Speel de reis van Annelies af tegen een server.
help-demo--dir = Bewaar de drie Rugzak-mappen hier. Standaard: een tijdelijke map.
# $arg: de keuze
mistake-unknown-argument = Rugzak kent { $arg } niet.
# $command: de opdracht
mistake-unknown-command = Rugzak kent de opdracht { $command } niet.
# $arg: de keuze
mistake-missing = Dit ontbreekt nog: { $arg }.
# $value: wat u typte; $arg: de keuze
mistake-value = { $value } past niet bij { $arg }.
# $arg: de keuze; $other: de andere keuze
mistake-conflict = { $arg } kan niet samen met { $other }.
# $values: de mogelijke waarden, met komma's
mistake-choices = Kies uit: { $values }.
mistake-missing-command = Kies een opdracht.
mistake-other = Deze opdracht klopt niet.
mistake-see-help = Zet --help achter de opdracht om te zien wat kan.

## De web-app

web-other-language = English
web-other-language-tag = en
web-nav-label = Menu
web-nav-grants = Toestemmingen
web-lock = Vergrendelen
web-working = Even geduld…
web-loading = Bezig met laden…
web-unreachable = Rugzak kan de server niet bereiken. Kijk of u internet hebt en probeer het opnieuw.
web-welcome-title = Welkom bij Rugzak
web-welcome-intro = In uw rugzak bewaart u uw vragenlijsten, notities en afspraken. Alleen u beslist wie meekijkt. Alles wordt versleuteld op uw eigen apparaat.
web-create-inwoner = Nieuwe rugzak maken
web-create-professional = Ik ben huisarts of welzijnscoach
web-recover = Rugzak terughalen met uw herstelcode
web-recover-instead = Ander apparaat? Haal uw rugzak terug met uw herstelcode.
web-create-intro = U maakt een rugzak op dit apparaat. U kiest een wachtwoord om hem te openen.
web-create = Maken
web-display-name = Uw naam (niet verplicht)
web-display-name-hint = Deze naam ziet uw huisarts of coach als u toestemming geeft.
web-passphrase = Wachtwoord
web-passphrase-new = Kies een wachtwoord
web-passphrase-hint = Minstens 8 tekens. Een zin van een paar woorden is goed te onthouden.
web-passphrase-again = Typ het wachtwoord nog een keer
web-passphrases-differ = De twee wachtwoorden zijn niet gelijk.
web-unlock-title = Rugzak openen
web-unlock-intro = Typ uw wachtwoord om uw rugzak op dit apparaat te openen.
web-unlock = Openen
web-recovery-title = Schrijf uw herstelcode op
web-recovery-intro = Met deze code haalt u uw rugzak terug als u dit apparaat kwijt bent. U ziet de code maar één keer.
web-recovery-warning = Bewaar de code op papier, op een veilige plek. Iedereen met deze code kan uw rugzak openen.
web-recovery-written = Ik heb de code opgeschreven
web-continue = Verder
web-recovery-code = Uw herstelcode
web-recovery-code-hint = De code die u opschreef toen u de rugzak maakte.
web-role = Uw werk
web-name = Uw naam
web-organisation = Uw praktijk of organisatie
web-overview-title = Uw rugzak
web-fill = Vragenlijst invullen
web-scan = QR-code scannen
web-write-note = Notitie schrijven
web-note = Uw notitie
web-empty = Uw rugzak is nog leeg. Vul een vragenlijst in of schrijf een notitie.
# $count: aantal in dit deel van de rugzak
web-show-all = Alles tonen ({ $count })
web-back-to-overview = Terug naar het overzicht
web-refreshing = Dit is uw rugzak zoals hij op dit apparaat bewaard is. Hij wordt nu bijgewerkt.
web-apart-title = Niet te openen
# $number: nummer van de vraag; $count: aantal vragen
web-question-of = Vraag { $number } van { $count }
web-answer-needed = Kies of vul eerst een antwoord in.
web-back = Terug
web-next = Volgende
web-save = Opslaan
# $title: naam van de vragenlijst
web-result-title = Uw uitslag: { $title }
web-advice-title = Wat u kunt doen
web-to-overview = Naar uw rugzak
web-camera = Camerabeeld
web-scan-intro = Houd de QR-code van uw huisarts of coach voor de camera.
web-scan-other-ways = Lukt scannen niet?
web-paste-code = Plak de code als tekst
web-use-code = Code gebruiken
web-upload-photo = Of kies een foto van de QR-code
web-no-qr-in-photo = Op deze foto staat geen QR-code die Rugzak kan lezen.
# $reason: wat de browser meldde
web-camera-failed = De camera werkt niet ({ $reason }). Plak de code of kies een foto.
web-scan-again = Opnieuw scannen
web-approve-title = Toestemming geven?
web-which-parts = Wat mag deze persoon?
web-how-long = Hoe lang?
# $days: aantal dagen
web-days = { $days ->
    [one] { $days } dag
   *[other] { $days } dagen
}
web-lifelong-choice = Voor altijd (tot u het intrekt)
web-approve = Ja, toestemming geven
web-refuse = Nee, niet nu
web-approved-title = Toestemming gegeven
# $name: naam van de zorgverlener
web-check-code-intro = Lees deze code voor aan { $name }. Op het scherm van { $name } moet dezelfde code staan.
web-no-grants = U hebt nog niemand toestemming gegeven.
web-revoke = Intrekken
# $name: naam van de zorgverlener
web-revoke-confirm = Wilt u de toestemming van { $name } nu intrekken? Daarna kan { $name } niets meer zien of toevoegen.
web-revoked = Ingetrokken
web-expired = Verlopen
web-lifelong = Voor altijd
# $time: einddatum en tijd; $days: aantal dagen dat nog over is
web-until = Tot { $time } (nog { $days ->
    [one] { $days } dag
   *[other] { $days } dagen
})
# $count: hoe vaak
web-uses = { $count ->
    [one] { $count } keer gebruikt
   *[other] { $count } keer gebruikt
}
# $name: naam van de zorgverlener
web-pro-title = Welkom, { $name }
web-new-request = Nieuw verzoek om toegang
web-pro-none = U hebt nog van niemand toestemming. Maak een verzoek en laat de inwoner de QR-code scannen.
web-which-parts-ask = Wat wilt u kunnen doen?
web-mode-none = niets
web-mode-both = lezen en toevoegen
web-days-asked = Hoeveel dagen?
web-days-asked-hint = 0 betekent: voor altijd, tot de inwoner het intrekt.
web-show-qr = QR-code maken
web-show-qr-title = Laat de inwoner deze QR-code scannen
web-show-qr-intro = De inwoner scant de code met Rugzak op de telefoon en kiest zelf wat u mag zien.
web-qr-label = QR-code met uw verzoek om toegang
web-code-as-text = De code als tekst
web-waiting = Wachten op het antwoord van de inwoner…
web-compare-title = Vergelijk de code
web-compare-intro = De inwoner leest een code voor. Staat hier dezelfde code?
web-code-matches = Ja, de code is gelijk
web-code-differs = Nee, de code is anders
web-vault-title = Rugzak van de inwoner
web-refresh = Vernieuwen
web-grant-revoked = De inwoner heeft uw toestemming ingetrokken. U kunt deze rugzak niet meer zien.
web-send = Versturen
web-append-referral = Verwijzing schrijven
web-append-intake-note = Intakeverslag schrijven
web-append-activity = Activiteit vastleggen
web-append-feedback = Terugkoppeling schrijven
web-letter-to = Naar
web-letter-reason = Reden
web-letter-question = Vraag
web-letter-agreed = Afgesproken
web-letter-contact = Contact
web-letter-what = Wat
web-letter-place = Waar
web-letter-when = Wanneer
web-letter-text = Tekst
web-letter-on = Over
error-bad-answers = De antwoorden kloppen niet. Kijk ze na.
error-bad-choices = Uw keuzes kloppen niet. Kies opnieuw.
error-bad-kind = Dit soort stuk kan niet worden toegevoegd.
error-bad-letter = Het formulier is niet goed ingevuld.
error-bad-profile = Vul uw naam en uw werk in.
error-bad-recovery-code = Deze herstelcode klopt niet. Kijk of u hem goed hebt overgenomen.
error-bad-reference = Dit verzoeknummer klopt niet.
error-bad-role = Kies uw werk uit de lijst.
error-bad-scope = Dit onderdeel bestaat niet.
error-bad-vault = Dit rugzaknummer klopt niet.
error-empty-note = Schrijf eerst iets.
error-in-progress = Rugzak is nog bezig. Wacht even.
error-not-locked = Rugzak is nog niet beveiligd op dit apparaat.
error-not-professional = Dit kan alleen een huisarts of coach.
error-nothing-chosen = Kies minstens één onderdeel.
error-passphrase-too-short = Het wachtwoord is te kort. Kies minstens 8 tekens.
error-qr-is-recovery-code = Dit is een herstelcode, geen verzoek om toegang. Laat deze code aan niemand zien.
error-qr-not-a-request = Deze code is geen verzoek om toegang van Rugzak.
error-qr-too-long = De tekst past niet in een QR-code.
error-unknown-questionnaire = Deze vragenlijst bestaat niet.
error-wrong-passkey = Deze toegangssleutel (passkey) opent deze rugzak niet.
web-charts-title = Uw uitslagen in beeld
# $title: naam van de vragenlijst
web-chart-trend-alt = Lijn van uw totaalscores op { $title } door de tijd
# $title: naam van de vragenlijst
web-chart-web-alt = Spinnenweb van uw scores op { $title }
web-nav-log = Wie keek er?
web-log-intro = Hier ziet u wie uw rugzak opende of er iets aan toevoegde, en wanneer. Rugzak heeft gecontroleerd dat niemand dit overzicht heeft veranderd.
web-log-from = Vanaf
web-log-to = Tot en met
web-log-when = Wanneer
web-log-who = Wie
web-log-what = Wat
web-log-about = Waarover
web-log-grant = Toestemming
web-log-outcome = Uitkomst
web-log-empty = In deze periode is niets gebeurd.
web-or-passkey = Of: zonder wachtwoord
web-passkey-intro = Met een toegangssleutel (passkey) opent u uw rugzak met uw vingerafdruk, gezicht of pincode van dit apparaat.
web-create-with-passkey = Maken met een toegangssleutel
web-unlock-with-passkey = Openen met uw toegangssleutel
web-unlock-passkey-intro = Gebruik uw toegangssleutel (passkey) om uw rugzak op dit apparaat te openen.
web-passkey-no-prf = Uw toegangssleutel kan uw rugzak niet beveiligen. Kies een wachtwoord.
web-passkey-failed = Het lukte niet met de toegangssleutel. Probeer het opnieuw of kies een wachtwoord.
web-passkey-other-account = Deze toegangssleutel hoort bij een ander rugzakje. Kies de sleutel van dit rugzakje.
web-name-and-organisation-needed = Vul uw naam en uw organisatie in.
web-nav-account = Toegangssleutels
web-account-title = Uw toegangssleutels
web-account-intro = Met deze toegangssleutels (passkeys) logt u in. De server bewaart alleen het openbare deel.
web-account-no-passkey = U opent Rugzak met een wachtwoord. U heeft geen toegangssleutel.
# $time: datum en tijd
web-passkey-made = Gemaakt op { $time }
web-passkey-never-used = nog niet gebruikt
# $time: datum en tijd
web-passkey-last-used = laatst gebruikt op { $time }
# $remaining: aantal pogingen dat over is
web-wrong-passcode-left = De toegangscode is verkeerd. U kunt het nog { $remaining } keer proberen.
error-not-a-share-link = Dit is geen link van Rugzak om te delen.
error-bad-link-content = De inhoud van deze link kan niet worden geopend. Vraag om een nieuwe link.
web-nav-share = Delen
web-share-title = Delen en bewaren
web-share-intro = Maak een link met een QR-code. Wie de link heeft, kan de delen lezen die u kiest, tot de datum die u kiest. U kunt de link altijd intrekken.
web-share-days = Hoeveel dagen werkt de link?
web-share-label = Naam van de link
web-share-label-default = Mijn rugzak
web-share-passcode = Toegangscode (niet verplicht)
web-share-passcode-hint = Vertel de code apart, bijvoorbeeld door de telefoon. Na 5 keer een verkeerde code werkt de link niet meer.
web-share-make = Link maken
# $until: einddatum en tijd
web-share-made = De link werkt tot { $until }.
web-share-qr-label = QR-code van de link om te delen
web-share-passcode-told = Vergeet niet de toegangscode apart te vertellen.
web-share-link-text = De link als tekst
web-share-revoke = Link intrekken
web-share-revoked = De link is ingetrokken. Niemand kan hem nog openen.
web-export-title = Alles downloaden
web-export-intro = Download uw hele rugzak als bestand. Het bestand is niet versleuteld: bewaar het goed.
web-export-fhir = Downloaden voor een zorgsysteem (FHIR)
web-export-json = Downloaden als Rugzak-bestand
web-log-download-intro = U kunt dit logboek ook downloaden, bijvoorbeeld voor een klacht of uw dossier.
web-log-download = Logboek downloaden (FHIR)
web-open-title = Gedeeld rugzakje
web-open-intro = Iemand heeft een deel van zijn of haar rugzak met u gedeeld.
web-open-passcode-intro = Deze link heeft een toegangscode. U heeft die apart gekregen.
web-passcode = Toegangscode
web-open = Openen
# $until: einddatum en tijd
web-open-until = Deze link werkt tot { $until }.
error-unknown-programme = Dit programma bestaat niet.
error-programme-not-started = U bent nog niet met dit programma begonnen.
error-unknown-step = Deze stap hoort niet bij dit programma.
web-programmes-title = Programma's
web-programmes-intro = Een programma helpt u stap voor stap, bijvoorbeeld met stress of eenzaamheid. U kiest zelf of u begint.
web-suggested = Voorgesteld voor u
web-why = Waarom?
# $count: aantal stappen
web-steps-count = { $count } stappen
# $done: stappen gedaan; $total: alle stappen
web-progress = { $done } van { $total } stappen gedaan
web-start-programme = Beginnen
web-step-done-button = Klaar met deze stap
web-your-answer = Uw antwoord
web-save-answer = Antwoord bewaren
web-check-in = Vul de korte vragenlijst in
web-programmes-back = Alle programma's
web-offline-kept = U bent niet verbonden met de server. U ziet wat u eerder op dit apparaat opende.
web-share-list-title = Uw gedeelde links
web-share-none = U heeft geen gedeelde links die nog werken.
# $made: datum en tijd; $opens: aantal keer geopend
web-share-open-link = Gemaakt op { $made }. { $opens ->
    [0] Nog niet geopend.
    [one] 1 keer geopend.
   *[other] { $opens } keer geopend.
}
web-to-app = Naar Rugzak
