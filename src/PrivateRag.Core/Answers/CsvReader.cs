using System.Text;

namespace PrivateRag.Core.Answers;

/// <summary>RFC 4180 CSV: quoted fields with commas, doubled quotes and line breaks; a UTF-8 BOM is ignored.</summary>
public static class CsvReader
{
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadWithHeader(TextReader reader)
    {
        var rows = ReadRows(reader).ToList();
        if (rows.Count == 0) return [];
        var header = rows[0].Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        return rows.Skip(1).Where(r => r.Count > 1 || (r.Count == 1 && r[0].Length > 0))
            .Select(r => (IReadOnlyDictionary<string, string>)header.Select((h, i) => (h, v: i < r.Count ? r[i] : ""))
                .ToDictionary(x => x.h, x => x.v, StringComparer.OrdinalIgnoreCase))
            .ToList();
    }

    public static IEnumerable<List<string>> ReadRows(TextReader reader)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                    else quoted = false;
                }
                else field.Append(ch);
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case ',': row.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    row.Add(field.ToString()); field.Clear();
                    yield return row;
                    row = [];
                    break;
                default: field.Append(ch); break;
            }
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }
}
