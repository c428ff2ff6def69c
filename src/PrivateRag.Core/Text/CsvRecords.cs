using System.Text;

namespace PrivateRag.Core.Text;

/// <summary>CSV as RFC 4180 has it, shared by the CSV reader and question-set imports.</summary>
public static class CsvRecords
{
    /// <summary>RFC 4180 records: quoted fields may hold delimiters, doubled quotes and line breaks.</summary>
    public static IEnumerable<List<string>> Parse(string text, char delimiter = ',')
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else field.Append(ch);
                continue;
            }
            if (ch == '"' && field.Length == 0) quoted = true;
            else if (ch == delimiter) { fields.Add(field.ToString()); field.Clear(); }
            else if (ch == '\n' || ch == '\r')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                fields.Add(field.ToString());
                field.Clear();
                yield return fields;
                fields = [];
            }
            else field.Append(ch);
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }
}
