//! Every string the launcher and dialog show, in English and the bundled locales, chosen from
//! the `locale` option, else `<html lang>`, else the browser's language. The host may replace
//! any of them by key with the `strings` option.

/// A string of the UI, by its key in the `strings` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Launcher,
    Title,
    Description,
    DescriptionPlaceholder,
    DescriptionRequired,
    Category,
    Severity,
    SeverityNone,
    SeverityLow,
    SeverityMedium,
    SeverityHigh,
    SeverityCritical,
    Email,
    IncludeScreenshot,
    Annotate,
    TakingScreenshot,
    ScreenshotFailed,
    ScreenshotSize,
    Attach,
    AttachTooLarge,
    Details,
    DetailsConsole,
    DetailsNetwork,
    DetailsErrors,
    DetailsPage,
    DetailsPrivacy,
    Cancel,
    Send,
    Close,
    Sending,
    Uploading,
    Queued,
    Sent,
    ReportId,
    Failed,
    ToolRectangle,
    ToolArrow,
    ToolPen,
    ToolText,
    ToolHighlight,
    ToolRedact,
    ToolPixelate,
    Color,
    Undo,
    Redo,
    Clear,
    Done,
    TextPrompt,
    CanvasLabel,
}

/// The `strings` option's keys, in the order of [`Text`].
pub const KEYS: [&str; 49] = [
    "launcher",
    "title",
    "description",
    "descriptionPlaceholder",
    "descriptionRequired",
    "category",
    "severity",
    "severityNone",
    "severityLow",
    "severityMedium",
    "severityHigh",
    "severityCritical",
    "email",
    "includeScreenshot",
    "annotate",
    "takingScreenshot",
    "screenshotFailed",
    "screenshotSize",
    "attach",
    "attachTooLarge",
    "details",
    "detailsConsole",
    "detailsNetwork",
    "detailsErrors",
    "detailsPage",
    "detailsPrivacy",
    "cancel",
    "send",
    "close",
    "sending",
    "uploading",
    "queued",
    "sent",
    "reportId",
    "failed",
    "toolRectangle",
    "toolArrow",
    "toolPen",
    "toolText",
    "toolHighlight",
    "toolRedact",
    "toolPixelate",
    "color",
    "undo",
    "redo",
    "clear",
    "done",
    "textPrompt",
    "canvasLabel",
];

/// Whether `key` names one of the UI's strings.
pub fn is_key(key: &str) -> bool {
    KEYS.contains(&key)
}

/// The host's replacement for `text` from the `strings` option, if it gave one.
pub fn replacement(overrides: &[(String, String)], text: Text) -> Option<&str> {
    let key = KEYS[text as usize];
    overrides
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The bundled locales, by language subtag.
pub const LOCALES: [&str; 5] = ["en", "de", "fr", "es", "ja"];

/// The bundled locale for a language tag (`de-AT` → `de`); English when none fits.
pub fn locale_index(tag: &str) -> usize {
    let language = tag
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    LOCALES.iter().position(|l| *l == language).unwrap_or(0)
}

/// The launcher's label in locale `locale` (an index into [`LOCALES`]). Its own function, so
/// the capture module, which shows only the launcher, does not carry the dialog's strings.
pub fn launcher_label(locale: usize) -> &'static str {
    match locale {
        1 => DE[0],
        2 => FR[0],
        3 => ES[0],
        4 => JA[0],
        _ => EN[0],
    }
}

/// `text` in locale `locale` (an index into [`LOCALES`]).
pub fn text(locale: usize, text: Text) -> &'static str {
    let table = match locale {
        1 => &DE,
        2 => &FR,
        3 => &ES,
        4 => &JA,
        _ => &EN,
    };
    table[text as usize]
}

const EN: [&str; 49] = [
    "Report a bug",
    "Report a problem",
    "What went wrong?",
    "What did you do, and what did you expect to happen?",
    "Please describe the problem.",
    "Category",
    "Severity",
    "Not sure",
    "Low",
    "Medium",
    "High",
    "Critical",
    "Your email (optional)",
    "Include screenshot",
    "Mark up screenshot",
    "Taking a screenshot…",
    "No screenshot could be taken. You can attach an image instead.",
    "Screenshot, {size}",
    "Attach an image",
    "That file is too large or not an image (PNG, JPEG or WebP up to 10 MB).",
    "What will be sent",
    "Console messages",
    "Network requests",
    "Errors",
    "Page",
    "Typed values, passwords and secrets are masked before anything leaves this page.",
    "Cancel",
    "Send report",
    "Close",
    "Sending…",
    "Uploading {name}…",
    "The report couldn't be sent right now. It is saved on this device and will be sent automatically when the connection is back.",
    "Thank you! Your report was sent.",
    "Report ID",
    "The report could not be sent: {error}",
    "Rectangle",
    "Arrow",
    "Pen",
    "Text",
    "Highlight",
    "Redact",
    "Pixelate",
    "Colour",
    "Undo",
    "Redo",
    "Clear all",
    "Done",
    "Label text",
    "Screenshot editor. Arrow keys move the cursor, Enter starts and ends a shape.",
];

const DE: [&str; 49] = [
    "Fehler melden",
    "Problem melden",
    "Was ist schiefgelaufen?",
    "Was haben Sie getan, und was haben Sie erwartet?",
    "Bitte beschreiben Sie das Problem.",
    "Kategorie",
    "Schweregrad",
    "Weiß nicht",
    "Gering",
    "Mittel",
    "Hoch",
    "Kritisch",
    "Ihre E-Mail (optional)",
    "Screenshot anhängen",
    "Screenshot markieren",
    "Screenshot wird erstellt …",
    "Es konnte kein Screenshot erstellt werden. Sie können stattdessen ein Bild anhängen.",
    "Screenshot, {size}",
    "Bild anhängen",
    "Die Datei ist zu groß oder kein Bild (PNG, JPEG oder WebP bis 10 MB).",
    "Was gesendet wird",
    "Konsolenmeldungen",
    "Netzwerkanfragen",
    "Fehler",
    "Seite",
    "Eingaben, Passwörter und Geheimnisse werden maskiert, bevor etwas diese Seite verlässt.",
    "Abbrechen",
    "Bericht senden",
    "Schließen",
    "Wird gesendet …",
    "{name} wird hochgeladen …",
    "Der Bericht konnte gerade nicht gesendet werden. Er ist auf diesem Gerät gespeichert und wird automatisch gesendet, sobald die Verbindung wieder steht.",
    "Danke! Ihr Bericht wurde gesendet.",
    "Berichts-ID",
    "Der Bericht konnte nicht gesendet werden: {error}",
    "Rechteck",
    "Pfeil",
    "Stift",
    "Text",
    "Hervorheben",
    "Schwärzen",
    "Verpixeln",
    "Farbe",
    "Rückgängig",
    "Wiederholen",
    "Alles löschen",
    "Fertig",
    "Beschriftung",
    "Screenshot-Editor. Pfeiltasten bewegen den Cursor, Enter beginnt und beendet eine Form.",
];

const FR: [&str; 49] = [
    "Signaler un bug",
    "Signaler un problème",
    "Qu'est-ce qui n'a pas fonctionné ?",
    "Qu'avez-vous fait, et qu'attendiez-vous ?",
    "Veuillez décrire le problème.",
    "Catégorie",
    "Gravité",
    "Je ne sais pas",
    "Faible",
    "Moyenne",
    "Élevée",
    "Critique",
    "Votre e-mail (facultatif)",
    "Inclure une capture d'écran",
    "Annoter la capture",
    "Capture en cours…",
    "Impossible de faire une capture. Vous pouvez joindre une image à la place.",
    "Capture, {size}",
    "Joindre une image",
    "Ce fichier est trop volumineux ou n'est pas une image (PNG, JPEG ou WebP jusqu'à 10 Mo).",
    "Ce qui sera envoyé",
    "Messages de la console",
    "Requêtes réseau",
    "Erreurs",
    "Page",
    "Les saisies, mots de passe et secrets sont masqués avant que quoi que ce soit ne quitte la page.",
    "Annuler",
    "Envoyer",
    "Fermer",
    "Envoi…",
    "Envoi de {name}…",
    "Le rapport n'a pas pu être envoyé pour l'instant. Il est enregistré sur cet appareil et sera envoyé automatiquement au retour de la connexion.",
    "Merci ! Votre rapport a été envoyé.",
    "Identifiant du rapport",
    "Le rapport n'a pas pu être envoyé : {error}",
    "Rectangle",
    "Flèche",
    "Crayon",
    "Texte",
    "Mettre en évidence",
    "Masquer",
    "Pixeliser",
    "Couleur",
    "Annuler l'action",
    "Rétablir",
    "Tout effacer",
    "Terminé",
    "Texte de l'étiquette",
    "Éditeur de capture. Les flèches déplacent le curseur, Entrée commence et termine une forme.",
];

const ES: [&str; 49] = [
    "Informar de un error",
    "Informar de un problema",
    "¿Qué ha fallado?",
    "¿Qué hiciste y qué esperabas que ocurriera?",
    "Describe el problema, por favor.",
    "Categoría",
    "Gravedad",
    "No lo sé",
    "Baja",
    "Media",
    "Alta",
    "Crítica",
    "Tu correo (opcional)",
    "Incluir captura de pantalla",
    "Marcar la captura",
    "Tomando la captura…",
    "No se pudo tomar la captura. Puedes adjuntar una imagen.",
    "Captura, {size}",
    "Adjuntar una imagen",
    "El archivo es demasiado grande o no es una imagen (PNG, JPEG o WebP hasta 10 MB).",
    "Qué se enviará",
    "Mensajes de consola",
    "Peticiones de red",
    "Errores",
    "Página",
    "Los valores escritos, contraseñas y secretos se ocultan antes de que nada salga de esta página.",
    "Cancelar",
    "Enviar informe",
    "Cerrar",
    "Enviando…",
    "Subiendo {name}…",
    "No se pudo enviar el informe ahora. Está guardado en este dispositivo y se enviará automáticamente cuando vuelva la conexión.",
    "¡Gracias! Tu informe se ha enviado.",
    "ID del informe",
    "No se pudo enviar el informe: {error}",
    "Rectángulo",
    "Flecha",
    "Lápiz",
    "Texto",
    "Resaltar",
    "Ocultar",
    "Pixelar",
    "Color",
    "Deshacer",
    "Rehacer",
    "Borrar todo",
    "Listo",
    "Texto de la etiqueta",
    "Editor de la captura. Las flechas mueven el cursor; Intro empieza y termina una forma.",
];

const JA: [&str; 49] = [
    "不具合を報告",
    "問題を報告",
    "何が問題でしたか？",
    "何をして、どうなると思っていましたか？",
    "問題の内容を入力してください。",
    "カテゴリ",
    "重要度",
    "わからない",
    "低",
    "中",
    "高",
    "重大",
    "メールアドレス（任意）",
    "スクリーンショットを含める",
    "スクリーンショットに書き込む",
    "スクリーンショットを撮影中…",
    "スクリーンショットを撮れませんでした。代わりに画像を添付できます。",
    "スクリーンショット（{size}）",
    "画像を添付",
    "ファイルが大きすぎるか画像ではありません（PNG・JPEG・WebP、10 MB まで）。",
    "送信される内容",
    "コンソールメッセージ",
    "ネットワークリクエスト",
    "エラー",
    "ページ",
    "入力値・パスワード・秘密情報は、このページから送信される前にマスクされます。",
    "キャンセル",
    "送信",
    "閉じる",
    "送信中…",
    "{name} をアップロード中…",
    "現在レポートを送信できません。この端末に保存され、接続が戻ると自動的に送信されます。",
    "ありがとうございます。レポートを送信しました。",
    "レポート ID",
    "レポートを送信できませんでした：{error}",
    "四角形",
    "矢印",
    "ペン",
    "テキスト",
    "強調",
    "黒塗り",
    "モザイク",
    "色",
    "元に戻す",
    "やり直す",
    "すべて消去",
    "完了",
    "ラベルのテキスト",
    "スクリーンショット編集。矢印キーでカーソル移動、Enter で図形の開始と終了。",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_from_language_tags() {
        assert_eq!(locale_index("de-AT"), 1);
        assert_eq!(locale_index("JA"), 4);
        assert_eq!(locale_index("pt-BR"), 0);
        assert_eq!(locale_index(""), 0);
    }

    #[test]
    fn every_locale_has_every_string_with_the_same_placeholders() {
        for locale in 0..LOCALES.len() {
            for (i, key) in KEYS.iter().enumerate() {
                let (en, other) = (EN[i], [&EN, &DE, &FR, &ES, &JA][locale][i]);
                assert!(!other.is_empty(), "{key} in {}", LOCALES[locale]);
                for placeholder in ["{size}", "{name}", "{error}"] {
                    assert_eq!(
                        en.contains(placeholder),
                        other.contains(placeholder),
                        "{key}"
                    );
                }
            }
        }
        assert_eq!(text(1, Text::Send), "Bericht senden");
        assert_eq!(launcher_label(2), "Signaler un bug");
    }
}
