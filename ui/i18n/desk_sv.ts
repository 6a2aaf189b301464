<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv_SE">
<context>
    <name>Bubble</name>
    <message>
        <source>Copy</source>
        <translation>Kopiera</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>Markera allt</translation>
    </message>
    <message>
        <source>not translated: the original is shown</source>
        <translation>inte översatt: originalet visas</translation>
    </message>
    <message>
        <source>check this translation</source>
        <translation>kontrollera översättningen</translation>
    </message>
    <message>
        <source>typed</source>
        <translation>skriven</translation>
    </message>
    <message>
        <source>recognised again</source>
        <translation>igenkänt på nytt</translation>
    </message>
    <message>
        <source>recognised again (first heard as %1)</source>
        <translation>igenkänt på nytt (först: %1)</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <source>Speak the translation again</source>
        <extracomment>Bubbles take at most this share of the view&apos;s width, so the sides stay apart. Pixels from the bottom that still count as &quot;at the bottom&quot;.</extracomment>
        <translation>Läs upp översättningen igen</translation>
    </message>
</context>
<context>
    <name>DeskController</name>
    <message>
        <source>Loading…</source>
        <extracomment>Typed utterances get ids far above the recognizer&apos;s, so the two never collide.</extracomment>
        <translation>Läser in…</translation>
    </message>
    <message>
        <source>Glossary %1 is not used: %2. Fix the file or choose another in Settings.</source>
        <translation>Ordlistan %1 används inte: %2. Rätta filen eller välj en annan i inställningarna.</translation>
    </message>
    <message>
        <source>The replayed file has ended.</source>
        <translation>Den uppspelade filen har tagit slut.</translation>
    </message>
    <message>
        <source>Starting the interpreter…</source>
        <translation>Startar tolken…</translation>
    </message>
    <message>
        <source>Loading speech recognition…</source>
        <translation>Läser in taligenkänning…</translation>
    </message>
    <message>
        <source>Loading translation…</source>
        <translation>Läser in översättning…</translation>
    </message>
    <message>
        <source>Opening the microphone…</source>
        <translation>Öppnar mikrofonen…</translation>
    </message>
    <message>
        <source>Listening: %1</source>
        <translation>Lyssnar: %1</translation>
    </message>
    <message>
        <source>Translation is off for %1: no model is installed. Recognition works.</source>
        <translation>Översättningen är av för %1: ingen modell är installerad. Taligenkänningen fungerar.</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>Lyssnar inte</translation>
    </message>
    <message>
        <source>Microphone problem: %1. The conversation is kept; choose a microphone to go on.</source>
        <translation>Mikrofonproblem: %1. Samtalet finns kvar; välj en mikrofon för att fortsätta.</translation>
    </message>
    <message>
        <source>Transcript saved: %1</source>
        <translation>Samtalet sparat: %1</translation>
    </message>
    <message>
        <source>The interface language changes when the app starts again.</source>
        <translation>Gränssnittets språk byts när appen startas om.</translation>
    </message>
    <message>
        <source>Models are kept in {folder} from the next start.</source>
        <translation>Modellerna sparas i {folder} från nästa start.</translation>
    </message>
</context>
<context>
    <name>MicrophonePicker</name>
    <message>
        <source>Input level</source>
        <translation>Ljudnivå</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemets standard</translation>
    </message>
</context>
<context>
    <name>ModelDialog</name>
    <message>
        <source>Models for %s</source>
        <translation>Modeller för %s</translation>
    </message>
    <message>
        <source>Checking what %s needs…</source>
        <translation>Kontrollerar vad %s behöver…</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>Används för</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Storlek</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licens</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Install missing models</source>
        <translation>Installera saknade modeller</translation>
    </message>
    <message>
        <source>Install voices</source>
        <translation>Installera röster</translation>
    </message>
    <message>
        <source>Neural voices for speech output (optional)</source>
        <translation>Neurala röster för talutmatning (valfritt)</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>Avbryt nedladdningen</translation>
    </message>
    <message>
        <source>Import archive…</source>
        <translation>Importera arkiv…</translation>
    </message>
    <message>
        <source>Import folder…</source>
        <translation>Importera mapp…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <source>Starting the download…</source>
        <translation>Nedladdningen startar…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Avbryter…</translation>
    </message>
    <message>
        <source>Importing and checking %s…</source>
        <translation>Importerar och kontrollerar %s…</translation>
    </message>
    <message>
        <source>Import models from an archive</source>
        <translation>Importera modeller från ett arkiv</translation>
    </message>
    <message>
        <source>Model archives (*.tar)</source>
        <translation>Modellarkiv (*.tar)</translation>
    </message>
    <message>
        <source>Import models from a folder</source>
        <translation>Importera modeller från en mapp</translation>
    </message>
    <message>
        <source> (non-commercial)</source>
        <translation> (icke-kommersiell)</translation>
    </message>
    <message>
        <source>installed</source>
        <translation>installerad</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>saknas</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>valfri</translation>
    </message>
    <message>
        <source>Everything %s needs is installed.</source>
        <translation>Allt som %s behöver är installerat.</translation>
    </message>
    <message>
        <source>{pair} needs {n} more model(s), about {mb} MB to download.</source>
        <translation>{pair} behöver {n} modeller till, cirka {mb} MB att ladda ner.</translation>
    </message>
    <message>
        <source>This machine: {machine}.</source>
        <translation>Den här datorn: {machine}.</translation>
    </message>
    <message>
        <source>A non-commercial licence must be cleared with the city&apos;s legal team.</source>
        <translation>En icke-kommersiell licens måste godkännas av stadens juridiska enhet.</translation>
    </message>
    <message>
        <source>downloading {done:.1f} of {total:.1f} MB</source>
        <translation>laddar ner {done:.1f} av {total:.1f} MB</translation>
    </message>
    <message>
        <source>converting for fast CPU use</source>
        <translation>konverterar för snabb körning på processorn</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>kontrollerar</translation>
    </message>
    <message>
        <source>done</source>
        <translation>klar</translation>
    </message>
    <message>
        <source>Installed: %s</source>
        <translation>Installerat: %s</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Klart.</translation>
    </message>
    <message>
        <source>Failed: %s</source>
        <translation>Misslyckades: %s</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Inställningar</translation>
    </message>
    <message>
        <source>Use the city&apos;s inference server</source>
        <translation>Använd stadens beräkningsserver</translation>
    </message>
    <message>
        <source>Speech recognition on the server</source>
        <translation>Taligenkänning på servern</translation>
    </message>
    <message>
        <source>system certificate store</source>
        <translation>systemets certifikatlager</translation>
    </message>
    <message>
        <source>new key (kept in the OS keyring)</source>
        <translation>ny nyckel (sparas i operativsystemets nyckelring)</translation>
    </message>
    <message>
        <source>Store key</source>
        <translation>Spara nyckel</translation>
    </message>
    <message>
        <source>Test server</source>
        <translation>Testa servern</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ingen</translation>
    </message>
    <message>
        <source>The city&apos;s terms, enforced in translation (TSV or CSV)</source>
        <translation>Stadens termer, som översättningen följer (TSV eller CSV)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Välj…</translation>
    </message>
    <message>
        <source>every language</source>
        <translation>alla språk</translation>
    </message>
    <message>
        <source>Pairs the language list offers, e.g. fi-en, fi-sv</source>
        <translation>Språkpar som språklistan erbjuder, t.ex. fi-en, fi-sv</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>Ordlista</translation>
    </message>
    <message>
        <source>Languages offered</source>
        <translation>Erbjudna språk</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Servicepunkt</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>Serverns adress</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Översättning</translation>
    </message>
    <message>
        <source>Speech model</source>
        <translation>Talmodell</translation>
    </message>
    <message>
        <source>Chat model</source>
        <translation>Chattmodell</translation>
    </message>
    <message>
        <source>Deadline per request</source>
        <translation>Tidsgräns per förfrågan</translation>
    </message>
    <message>
        <source>City CA bundle (PEM)</source>
        <translation>Stadens CA-certifikat (PEM)</translation>
    </message>
    <message>
        <source>API key variable</source>
        <translation>Miljövariabel för API-nyckeln</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-nyckel</translation>
    </message>
    <message>
        <source>Off by default. When on, speech audio and/or the recognised text of each utterance go to this server; the status bar names it.</source>
        <translation>Av som standard. När den är på skickas varje yttrandes ljud och/eller igenkända text till den här servern; statusfältet visar dess namn.</translation>
    </message>
    <message>
        <source>Locked by the city&apos;s configuration file</source>
        <translation>Låst i stadens konfigurationsfil</translation>
    </message>
    <message>
        <source>Greyed-out values are locked by %1.</source>
        <translation>Grå värden är låsta i %1.</translation>
    </message>
    <message>
        <source>%1 is not a pair: write e.g. fi-en, fi-sv.</source>
        <translation>%1 är inte ett språkpar: skriv t.ex. fi-en, fi-sv.</translation>
    </message>
    <message>
        <source>Glossary (*.tsv *.csv)</source>
        <translation>Ordlista (*.tsv *.csv)</translation>
    </message>
    <message>
        <source>Enter the server URL first: the key is kept for it.</source>
        <translation>Ange först serverns adress: nyckeln sparas för den.</translation>
    </message>
    <message>
        <source>Storing the key…</source>
        <translation>Sparar nyckeln…</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>Testar %1…</translation>
    </message>
</context>
<context>
    <name>SpeakerControls</name>
    <message>
        <source>Auto</source>
        <translation>Automatiskt</translation>
    </message>
    <message>
        <source>Push to talk</source>
        <translation>Tryck för att tala</translation>
    </message>
    <message>
        <source>Identify the language within the pair (F3)</source>
        <translation>Känn igen språket inom språkparet (F3)</translation>
    </message>
    <message>
        <source>Hold a side&apos;s button, or F1 / F2, while speaking</source>
        <translation>Håll talarens knapp, eller F1 / F2, nedtryckt medan du talar</translation>
    </message>
    <message>
        <source>Staff speaks (hold F1)</source>
        <translation>Personalen talar (håll F1)</translation>
    </message>
    <message>
        <source>Client speaks (hold F2)</source>
        <translation>Kunden talar (håll F2)</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Kund</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatiskt</translation>
    </message>
</context>
<context>
    <name>SpeechController</name>
    <message>
        <source>Looking for voices…</source>
        <translation>Söker röster…</translation>
    </message>
    <message>
        <source>Speech output is unavailable for %1</source>
        <translation>Tal är inte tillgängligt för %1</translation>
    </message>
    <message>
        <source>neural voice</source>
        <translation>neural röst</translation>
    </message>
</context>
<context>
    <name>SpeechControls</name>
    <message>
        <source>Speak to client</source>
        <translation>Tala till kunden</translation>
    </message>
    <message>
        <source>The client hears your words in their language</source>
        <translation>Kunden hör dina ord på sitt språk</translation>
    </message>
    <message>
        <source>Speak to staff</source>
        <translation>Tala till personalen</translation>
    </message>
    <message>
        <source>You hear the client&apos;s words in Finnish</source>
        <translation>Du hör kundens ord på finska</translation>
    </message>
    <message>
        <source>Speech volume</source>
        <translation>Talvolym</translation>
    </message>
    <message>
        <source>Speech output device</source>
        <translation>Enhet för tal</translation>
    </message>
    <message>
        <source>Say again</source>
        <translation>Säg igen</translation>
    </message>
    <message>
        <source>Speak the latest translation again (%1)</source>
        <translation>Läs den senaste översättningen igen (%1)</translation>
    </message>
    <message>
        <source>Volume:</source>
        <translation>Volym:</translation>
    </message>
    <message>
        <source>Default speaker</source>
        <translation>Standardhögtalare</translation>
    </message>
</context>
<context>
    <name>StaffWindow</name>
    <message>
        <source>staff speaks (push to talk)</source>
        <extracomment>Key -&gt; what it does; shown in Help and documented in docs/ui.md.</extracomment>
        <translation>personalen talar (tryck för att tala)</translation>
    </message>
    <message>
        <source>client speaks (push to talk)</source>
        <translation>kunden talar (tryck för att tala)</translation>
    </message>
    <message>
        <source>automatic: identify the language within the pair</source>
        <translation>automatiskt: språket känns igen inom språkparet</translation>
    </message>
    <message>
        <source>search the client&apos;s language</source>
        <translation>sök kundens språk</translation>
    </message>
    <message>
        <source>send typed text as staff / as client</source>
        <translation>skicka skriven text som personal / som kund</translation>
    </message>
    <message>
        <source>next client (asks first)</source>
        <translation>nästa kund (frågar först)</translation>
    </message>
    <message>
        <source>export the transcript (when enabled in Settings)</source>
        <translation>exportera samtalet (när det är tillåtet i inställningarna)</translation>
    </message>
    <message>
        <source>larger / smaller client text</source>
        <translation>större / mindre text för kunden</translation>
    </message>
    <message>
        <source>client window: attention view on one screen</source>
        <translation>kundfönstret i helskärm när det finns en skärm</translation>
    </message>
    <message>
        <source>speak the latest translation again</source>
        <translation>läs den senaste översättningen igen</translation>
    </message>
    <message>
        <source>Desk interpreter</source>
        <translation>Tolk vid disken</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Samtal</translation>
    </message>
    <message>
        <source>Client&apos;s language:</source>
        <translation>Kundens språk:</translation>
    </message>
    <message>
        <source>Microphone:</source>
        <translation>Mikrofon:</translation>
    </message>
    <message>
        <source>Next client</source>
        <translation>Nästa kund</translation>
    </message>
    <message>
        <source>Type in either language: Enter sends as staff, Ctrl+Enter as client</source>
        <translation>Skriv på vilket språk som helst: Enter skickar som personal, Ctrl+Enter som kund</translation>
    </message>
    <message>
        <source>Send as staff</source>
        <translation>Skicka som personal</translation>
    </message>
    <message>
        <source>Send as client</source>
        <translation>Skicka som kund</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>&amp;Samtal</translation>
    </message>
    <message>
        <source>Next client…</source>
        <translation>Nästa kund…</translation>
    </message>
    <message>
        <source>Export transcript…</source>
        <translation>Exportera samtalet…</translation>
    </message>
    <message>
        <source>Automatic speaker</source>
        <translation>Talare automatiskt</translation>
    </message>
    <message>
        <source>Find language</source>
        <translation>Sök språk</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>Modeller…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Visa</translation>
    </message>
    <message>
        <source>Larger client text</source>
        <translation>Större text för kunden</translation>
    </message>
    <message>
        <source>Smaller client text</source>
        <translation>Mindre text för kunden</translation>
    </message>
    <message>
        <source>Client attention view</source>
        <translation>Kundvy i helskärm</translation>
    </message>
    <message>
        <source>Light theme</source>
        <translation>Ljust tema</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Mörkt tema</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Inställningar</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Inställningar…</translation>
    </message>
    <message>
        <source>Allow transcript export</source>
        <translation>Tillåt export av samtalet</translation>
    </message>
    <message>
        <source>Models folder (after restart)…</source>
        <translation>Modellmapp (efter omstart)…</translation>
    </message>
    <message>
        <source>Interface language (after restart)</source>
        <translation>Gränssnittets språk (efter omstart)</translation>
    </message>
    <message>
        <source>System</source>
        <extracomment>The menu entries each setting the city&apos;s configuration file can lock.</extracomment>
        <translation>Systemets språk</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hjälp</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Kortkommandon</translation>
    </message>
    <message>
        <source>last: %1 s</source>
        <translation>senaste: %1 s</translation>
    </message>
    <message>
        <source>%1 (locked)</source>
        <translation>%1 (låst)</translation>
    </message>
    <message>
        <source>Locked by %1</source>
        <translation>Låst av %1</translation>
    </message>
    <message>
        <source>Clear the conversation from both windows? Nothing of it is kept.</source>
        <translation>Rensa samtalet från båda fönstren? Inget av det sparas.</translation>
    </message>
    <message>
        <source>Export the transcript to</source>
        <translation>Exportera samtalet till</translation>
    </message>
    <message>
        <source>Keep models in</source>
        <translation>Spara modellerna i</translation>
    </message>
</context>
</TS>
