using System.Text;
using System.Text.RegularExpressions;

namespace PrivateRag.Ingest.Readers;

/// <summary>
/// Repairs Arabic that a PDF producer wrote as shaped glyphs (Unicode presentation forms) placed left to right, as
/// Acrobat Distiller does: such words come out of the page backwards ("ﺪﻤﺤﻣ" for "محمد") and in forms nobody types.
/// A run of presentation-form words whose first letter is a final form or whose last is an initial form is in visual
/// order and is reversed; every presentation form then becomes its base letter (NFKC), so the text matches what users
/// search for. Arabic written with base letters (the usual logical-order text layer) is left as it is.
/// </summary>
internal static partial class ArabicPresentationForms
{
    private enum Form { Other, Isolated, Final, Initial, Medial }

    private static readonly Dictionary<char, Form> Forms = BuildForms();

    public static string ToLogical(string text)
    {
        if (!text.Any(IsPresentationForm)) return text;
        return Run().Replace(text, m =>
        {
            var run = m.Value;
            var words = run.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var visual = words.Count(IsVisualOrder) > words.Count(IsLogicalOrder);
            if (visual)
            {
                var chars = run.ToCharArray();
                Array.Reverse(chars);
                run = new string(chars);
            }
            return run.Normalize(NormalizationForm.FormKC);
        });
    }

    private static bool IsVisualOrder(string word) =>
        word.Length > 1 && (FormOf(word[0]) == Form.Final || FormOf(word[^1]) == Form.Initial);

    private static bool IsLogicalOrder(string word) =>
        word.Length > 1 && (FormOf(word[0]) == Form.Initial || FormOf(word[^1]) == Form.Final);

    private static Form FormOf(char c) => Forms.GetValueOrDefault(c);

    private static bool IsPresentationForm(char c) => c is >= '\uFB50' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF';

    /// <summary>
    /// Forms-B lists each letter's forms in the order isolated, final[, initial, medial]; consecutive code points that
    /// decompose to the same letter are one letter's forms. Derived here instead of a hand-written table.
    /// </summary>
    private static Dictionary<char, Form> BuildForms()
    {
        var forms = new Dictionary<char, Form>();
        var group = new List<char>();
        string? letter = null;
        for (var c = '\uFE80'; c <= '\uFEFC'; c++)
        {
            var baseLetter = c.ToString().Normalize(NormalizationForm.FormKC);
            if (baseLetter != letter) Flush();
            letter = baseLetter;
            group.Add(c);
        }
        Flush();
        return forms;

        void Flush()
        {
            Form[] order = [Form.Isolated, Form.Final, Form.Initial, Form.Medial];
            if (group.Count is 2 or 4)
            {
                for (var i = 0; i < group.Count; i++) forms[group[i]] = order[i];
            }
            group.Clear();
        }
    }

    // Words of presentation forms (with their harakat), separated by single spaces.
    [GeneratedRegex(@"[\uFB50-\uFDFF\uFE70-\uFEFF]+(?: [\uFB50-\uFDFF\uFE70-\uFEFF]+)*")]
    private static partial Regex Run();
}
