<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fi_FI">
<context>
    <name>Bubble</name>
    <message>
        <source>Copy</source>
        <translation>Kopioi</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>Valitse kaikki</translation>
    </message>
    <message>
        <source>not translated: the original is shown</source>
        <translation>ei käännetty: alkuperäinen näytetään</translation>
    </message>
    <message>
        <source>check this translation</source>
        <translation>tarkista tämä käännös</translation>
    </message>
    <message>
        <source>typed</source>
        <translation>kirjoitettu</translation>
    </message>
    <message>
        <source>recognised again</source>
        <translation>tunnistettu uudelleen</translation>
    </message>
    <message>
        <source>recognised again (first heard as %1)</source>
        <translation>tunnistettu uudelleen (ensin: %1)</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <source>Speak the translation again</source>
        <extracomment>Bubbles take at most this share of the view&apos;s width, so the sides stay apart. Pixels from the bottom that still count as &quot;at the bottom&quot;.</extracomment>
        <translation>Puhu käännös uudelleen</translation>
    </message>
</context>
<context>
    <name>DeskController</name>
    <message>
        <source>Loading…</source>
        <extracomment>Typed utterances get ids far above the recognizer&apos;s, so the two never collide.</extracomment>
        <translation>Ladataan…</translation>
    </message>
    <message>
        <source>Glossary %1 is not used: %2. Fix the file or choose another in Settings.</source>
        <translation>Sanastoa %1 ei käytetä: %2. Korjaa tiedosto tai valitse toinen asetuksista.</translation>
    </message>
    <message>
        <source>The replayed file has ended.</source>
        <translation>Toistettava tiedosto on loppunut.</translation>
    </message>
    <message>
        <source>Starting the interpreter…</source>
        <translation>Käynnistetään tulkkia…</translation>
    </message>
    <message>
        <source>Loading speech recognition…</source>
        <translation>Ladataan puheentunnistusta…</translation>
    </message>
    <message>
        <source>Loading translation…</source>
        <translation>Ladataan käännöstä…</translation>
    </message>
    <message>
        <source>Opening the microphone…</source>
        <translation>Avataan mikrofonia…</translation>
    </message>
    <message>
        <source>Listening: %1</source>
        <translation>Kuunnellaan: %1</translation>
    </message>
    <message>
        <source>Translation is off for %1: no model is installed. Recognition works.</source>
        <translation>Käännös ei ole käytössä suunnalle %1: mallia ei ole asennettu. Puheentunnistus toimii.</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>Ei kuuntele</translation>
    </message>
    <message>
        <source>Microphone problem: %1. The conversation is kept; choose a microphone to go on.</source>
        <translation>Mikrofoniongelma: %1. Keskustelu säilyy; valitse mikrofoni jatkaaksesi.</translation>
    </message>
    <message>
        <source>Transcript saved: %1</source>
        <translation>Keskustelu tallennettu: %1</translation>
    </message>
    <message>
        <source>The interface language changes when the app starts again.</source>
        <translation>Käyttöliittymän kieli vaihtuu, kun sovellus käynnistetään uudelleen.</translation>
    </message>
    <message>
        <source>Models are kept in {folder} from the next start.</source>
        <translation>Mallit säilytetään kansiossa {folder} seuraavasta käynnistyksestä alkaen.</translation>
    </message>
</context>
<context>
    <name>MicrophonePicker</name>
    <message>
        <source>Input level</source>
        <translation>Äänitaso</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Järjestelmän oletus</translation>
    </message>
</context>
<context>
    <name>ModelDialog</name>
    <message>
        <source>Models for %s</source>
        <translation>Mallit: %s</translation>
    </message>
    <message>
        <source>Checking what %s needs…</source>
        <translation>Tarkistetaan, mitä %s tarvitsee…</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Malli</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>Käyttö</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Koko</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lisenssi</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Tila</translation>
    </message>
    <message>
        <source>Install missing models</source>
        <translation>Asenna puuttuvat mallit</translation>
    </message>
    <message>
        <source>Install voices</source>
        <translation>Asenna äänet</translation>
    </message>
    <message>
        <source>Neural voices for speech output (optional)</source>
        <translation>Neuroverkkoäänet puhetta varten (valinnainen)</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>Keskeytä lataus</translation>
    </message>
    <message>
        <source>Import archive…</source>
        <translation>Tuo arkistosta…</translation>
    </message>
    <message>
        <source>Import folder…</source>
        <translation>Tuo kansiosta…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sulje</translation>
    </message>
    <message>
        <source>Starting the download…</source>
        <translation>Lataus alkaa…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Keskeytetään…</translation>
    </message>
    <message>
        <source>Importing and checking %s…</source>
        <translation>Tuodaan ja tarkistetaan %s…</translation>
    </message>
    <message>
        <source>Import models from an archive</source>
        <translation>Tuo mallit arkistosta</translation>
    </message>
    <message>
        <source>Model archives (*.tar)</source>
        <translation>Malliarkistot (*.tar)</translation>
    </message>
    <message>
        <source>Import models from a folder</source>
        <translation>Tuo mallit kansiosta</translation>
    </message>
    <message>
        <source> (non-commercial)</source>
        <translation> (ei kaupalliseen käyttöön)</translation>
    </message>
    <message>
        <source>installed</source>
        <translation>asennettu</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>puuttuu</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>valinnainen</translation>
    </message>
    <message>
        <source>Everything %s needs is installed.</source>
        <translation>Kaikki, mitä %s tarvitsee, on asennettu.</translation>
    </message>
    <message>
        <source>{pair} needs {n} more model(s), about {mb} MB to download.</source>
        <translation>{pair} tarvitsee vielä {n} mallia, ladattavaa noin {mb} Mt.</translation>
    </message>
    <message>
        <source>This machine: {machine}.</source>
        <translation>Tämä kone: {machine}.</translation>
    </message>
    <message>
        <source>A non-commercial licence must be cleared with the city&apos;s legal team.</source>
        <translation>Ei-kaupallisen lisenssin käyttö on selvitettävä kaupungin lakipalveluiden kanssa.</translation>
    </message>
    <message>
        <source>downloading {done:.1f} of {total:.1f} MB</source>
        <translation>ladataan {done:.1f} / {total:.1f} Mt</translation>
    </message>
    <message>
        <source>converting for fast CPU use</source>
        <translation>muunnetaan nopeaan suorittimella ajoon</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>tarkistetaan</translation>
    </message>
    <message>
        <source>done</source>
        <translation>valmis</translation>
    </message>
    <message>
        <source>Installed: %s</source>
        <translation>Asennettu: %s</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Valmis.</translation>
    </message>
    <message>
        <source>Failed: %s</source>
        <translation>Epäonnistui: %s</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Asetukset</translation>
    </message>
    <message>
        <source>Use the city&apos;s inference server</source>
        <translation>Käytä kaupungin laskentapalvelinta</translation>
    </message>
    <message>
        <source>Speech recognition on the server</source>
        <translation>Puheentunnistus palvelimella</translation>
    </message>
    <message>
        <source>system certificate store</source>
        <translation>järjestelmän varmennevarasto</translation>
    </message>
    <message>
        <source>new key (kept in the OS keyring)</source>
        <translation>uusi avain (tallennetaan käyttöjärjestelmän avainnippuun)</translation>
    </message>
    <message>
        <source>Store key</source>
        <translation>Tallenna avain</translation>
    </message>
    <message>
        <source>Test server</source>
        <translation>Testaa palvelin</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ei mitään</translation>
    </message>
    <message>
        <source>The city&apos;s terms, enforced in translation (TSV or CSV)</source>
        <translation>Kaupungin termit, joita käännös noudattaa (TSV tai CSV)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Valitse…</translation>
    </message>
    <message>
        <source>every language</source>
        <translation>kaikki kielet</translation>
    </message>
    <message>
        <source>Pairs the language list offers, e.g. fi-en, fi-sv</source>
        <translation>Kieliluettelon tarjoamat kieliparit, esim. fi-en, fi-sv</translation>
    </message>
    <message>
        <source>Glossary</source>
        <translation>Sanasto</translation>
    </message>
    <message>
        <source>Languages offered</source>
        <translation>Tarjottavat kielet</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Palvelupiste</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>Palvelimen osoite</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Käännös</translation>
    </message>
    <message>
        <source>Speech model</source>
        <translation>Puhemalli</translation>
    </message>
    <message>
        <source>Chat model</source>
        <translation>Keskustelumalli</translation>
    </message>
    <message>
        <source>Deadline per request</source>
        <translation>Aikaraja pyyntöä kohden</translation>
    </message>
    <message>
        <source>City CA bundle (PEM)</source>
        <translation>Kaupungin CA-varmenteet (PEM)</translation>
    </message>
    <message>
        <source>API key variable</source>
        <translation>API-avaimen ympäristömuuttuja</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-avain</translation>
    </message>
    <message>
        <source>Off by default. When on, speech audio and/or the recognised text of each utterance go to this server; the status bar names it.</source>
        <translation>Oletuksena pois päältä. Kun se on päällä, jokaisen puheenvuoron ääni ja/tai tunnistettu teksti lähetetään tälle palvelimelle; tilarivi kertoo sen nimen.</translation>
    </message>
    <message>
        <source>Locked by the city&apos;s configuration file</source>
        <translation>Lukittu kaupungin asetustiedostossa</translation>
    </message>
    <message>
        <source>Greyed-out values are locked by %1.</source>
        <translation>Harmaana näkyvät arvot on lukittu tiedostossa %1.</translation>
    </message>
    <message>
        <source>%1 is not a pair: write e.g. fi-en, fi-sv.</source>
        <translation>%1 ei ole kielipari: kirjoita esim. fi-en, fi-sv.</translation>
    </message>
    <message>
        <source>Glossary (*.tsv *.csv)</source>
        <translation>Sanasto (*.tsv *.csv)</translation>
    </message>
    <message>
        <source>Enter the server URL first: the key is kept for it.</source>
        <translation>Anna ensin palvelimen osoite: avain tallennetaan sitä varten.</translation>
    </message>
    <message>
        <source>Storing the key…</source>
        <translation>Tallennetaan avainta…</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>Testataan %1…</translation>
    </message>
</context>
<context>
    <name>SpeakerControls</name>
    <message>
        <source>Auto</source>
        <translation>Automaattinen</translation>
    </message>
    <message>
        <source>Push to talk</source>
        <translation>Painettava puhe</translation>
    </message>
    <message>
        <source>Identify the language within the pair (F3)</source>
        <translation>Tunnista kieli kieliparin sisältä (F3)</translation>
    </message>
    <message>
        <source>Hold a side&apos;s button, or F1 / F2, while speaking</source>
        <translation>Pidä puhujan painiketta tai F1 / F2 pohjassa puhuessa</translation>
    </message>
    <message>
        <source>Staff speaks (hold F1)</source>
        <translation>Virkailija puhuu (pidä F1)</translation>
    </message>
    <message>
        <source>Client speaks (hold F2)</source>
        <translation>Asiakas puhuu (pidä F2)</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Virkailija</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Asiakas</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automaattinen</translation>
    </message>
</context>
<context>
    <name>SpeechController</name>
    <message>
        <source>Looking for voices…</source>
        <translation>Etsitään ääniä…</translation>
    </message>
    <message>
        <source>Speech output is unavailable for %1</source>
        <translation>Puhetta ei ole saatavilla kielelle %1</translation>
    </message>
    <message>
        <source>neural voice</source>
        <translation>neuroverkkoääni</translation>
    </message>
</context>
<context>
    <name>SpeechControls</name>
    <message>
        <source>Speak to client</source>
        <translation>Puhu asiakkaalle</translation>
    </message>
    <message>
        <source>The client hears your words in their language</source>
        <translation>Asiakas kuulee sanasi omalla kielellään</translation>
    </message>
    <message>
        <source>Speak to staff</source>
        <translation>Puhu virkailijalle</translation>
    </message>
    <message>
        <source>You hear the client&apos;s words in Finnish</source>
        <translation>Kuulet asiakkaan sanat suomeksi</translation>
    </message>
    <message>
        <source>Speech volume</source>
        <translation>Puheen äänenvoimakkuus</translation>
    </message>
    <message>
        <source>Speech output device</source>
        <translation>Puheen toistolaite</translation>
    </message>
    <message>
        <source>Say again</source>
        <translation>Sano uudelleen</translation>
    </message>
    <message>
        <source>Speak the latest translation again (%1)</source>
        <translation>Lue viimeisin käännös uudelleen (%1)</translation>
    </message>
    <message>
        <source>Volume:</source>
        <translation>Äänenvoimakkuus:</translation>
    </message>
    <message>
        <source>Default speaker</source>
        <translation>Oletuskaiutin</translation>
    </message>
</context>
<context>
    <name>StaffWindow</name>
    <message>
        <source>staff speaks (push to talk)</source>
        <extracomment>Key -&gt; what it does; shown in Help and documented in docs/ui.md.</extracomment>
        <translation>virkailija puhuu (painettava puhe)</translation>
    </message>
    <message>
        <source>client speaks (push to talk)</source>
        <translation>asiakas puhuu (painettava puhe)</translation>
    </message>
    <message>
        <source>automatic: identify the language within the pair</source>
        <translation>automaattinen: kieli tunnistetaan kieliparin sisältä</translation>
    </message>
    <message>
        <source>search the client&apos;s language</source>
        <translation>etsi asiakkaan kieli</translation>
    </message>
    <message>
        <source>send typed text as staff / as client</source>
        <translation>lähetä kirjoitettu teksti virkailijana / asiakkaana</translation>
    </message>
    <message>
        <source>next client (asks first)</source>
        <translation>seuraava asiakas (kysyy ensin)</translation>
    </message>
    <message>
        <source>export the transcript (when enabled in Settings)</source>
        <translation>tallenna keskustelu (kun sallittu asetuksissa)</translation>
    </message>
    <message>
        <source>larger / smaller client text</source>
        <translation>suurempi / pienempi asiakkaan teksti</translation>
    </message>
    <message>
        <source>client window: attention view on one screen</source>
        <translation>asiakasikkuna koko näytölle, kun näyttöjä on yksi</translation>
    </message>
    <message>
        <source>speak the latest translation again</source>
        <translation>lue viimeisin käännös uudelleen</translation>
    </message>
    <message>
        <source>Desk interpreter</source>
        <translation>Asiointitulkki</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Keskustelu</translation>
    </message>
    <message>
        <source>Client&apos;s language:</source>
        <translation>Asiakkaan kieli:</translation>
    </message>
    <message>
        <source>Microphone:</source>
        <translation>Mikrofoni:</translation>
    </message>
    <message>
        <source>Next client</source>
        <translation>Seuraava asiakas</translation>
    </message>
    <message>
        <source>Type in either language: Enter sends as staff, Ctrl+Enter as client</source>
        <translation>Kirjoita kummalla tahansa kielellä: Enter lähettää virkailijana, Ctrl+Enter asiakkaana</translation>
    </message>
    <message>
        <source>Send as staff</source>
        <translation>Lähetä virkailijana</translation>
    </message>
    <message>
        <source>Send as client</source>
        <translation>Lähetä asiakkaana</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>&amp;Keskustelu</translation>
    </message>
    <message>
        <source>Next client…</source>
        <translation>Seuraava asiakas…</translation>
    </message>
    <message>
        <source>Export transcript…</source>
        <translation>Tallenna keskustelu…</translation>
    </message>
    <message>
        <source>Automatic speaker</source>
        <translation>Puhuja automaattisesti</translation>
    </message>
    <message>
        <source>Find language</source>
        <translation>Etsi kieli</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>Mallit…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Näytä</translation>
    </message>
    <message>
        <source>Larger client text</source>
        <translation>Suurempi asiakkaan teksti</translation>
    </message>
    <message>
        <source>Smaller client text</source>
        <translation>Pienempi asiakkaan teksti</translation>
    </message>
    <message>
        <source>Client attention view</source>
        <translation>Asiakasnäkymä koko näytölle</translation>
    </message>
    <message>
        <source>Light theme</source>
        <translation>Vaalea teema</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Tumma teema</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Asetukset</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Asetukset…</translation>
    </message>
    <message>
        <source>Allow transcript export</source>
        <translation>Salli keskustelun tallennus</translation>
    </message>
    <message>
        <source>Models folder (after restart)…</source>
        <translation>Mallikansio (uudelleenkäynnistyksen jälkeen)…</translation>
    </message>
    <message>
        <source>Interface language (after restart)</source>
        <translation>Käyttöliittymän kieli (uudelleenkäynnistyksen jälkeen)</translation>
    </message>
    <message>
        <source>System</source>
        <extracomment>The menu entries each setting the city&apos;s configuration file can lock.</extracomment>
        <translation>Järjestelmän kieli</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Ohje</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Pikanäppäimet</translation>
    </message>
    <message>
        <source>last: %1 s</source>
        <translation>viimeisin: %1 s</translation>
    </message>
    <message>
        <source>%1 (locked)</source>
        <translation>%1 (lukittu)</translation>
    </message>
    <message>
        <source>Locked by %1</source>
        <translation>Lukinnut %1</translation>
    </message>
    <message>
        <source>Clear the conversation from both windows? Nothing of it is kept.</source>
        <translation>Tyhjennetäänkö keskustelu molemmista ikkunoista? Siitä ei jää mitään talteen.</translation>
    </message>
    <message>
        <source>Export the transcript to</source>
        <translation>Tallenna keskustelu kansioon</translation>
    </message>
    <message>
        <source>Keep models in</source>
        <translation>Säilytä mallit kansiossa</translation>
    </message>
</context>
</TS>
