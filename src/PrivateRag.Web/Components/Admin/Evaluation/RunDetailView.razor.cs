using System.Text.Json;
using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Evaluation;

namespace PrivateRag.Web.Components.Admin.Evaluation;

public partial class RunDetailView
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Parameter, EditorRequired] public RunDetail Detail { get; set; } = default!;

    /// <summary>The run's settings as stored, indented for reading (as they are when they are not JSON).</summary>
    private static string PrettyJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
