using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using PrivateRag.Core.Collections;

namespace PrivateRag.Web.Components.Admin.Collections;

public partial class AccessEditor
{
    private const string Groups = "groups";
    private const string Users = "users";
    private static readonly string[] Kinds = [Groups, Users];

    [Parameter, EditorRequired] public CollectionAccessRule Access { get; set; } = new();

    [Parameter] public EventCallback<CollectionAccessRule> AccessChanged { get; set; }

    /// <summary>Names to suggest; the page loads them once.</summary>
    [Parameter] public Principals Known { get; set; } = new([], []);

    private readonly Dictionary<string, InputBox> _boxes = new() { [Groups] = new(), [Users] = new() };

    private InputBox Box(string kind) => _boxes[kind];

    private IReadOnlyList<string> NamesOf(string kind) => (kind == Groups ? Access.Groups : Access.Users) ?? [];

    /// <summary>Known names containing the typed text (any case), those already granted left out.</summary>
    public Task<IEnumerable<string>> SuggestAsync(string kind, string? text)
    {
        var taken = NamesOf(kind).ToHashSet(StringComparer.Ordinal);
        var known = kind == Groups ? Known.Groups : Known.Users;
        var matches = known.Where(n => !taken.Contains(n) &&
                                       (string.IsNullOrWhiteSpace(text) || n.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));
        return Task.FromResult(matches);
    }

    public async Task AddAsync(string kind, string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return;
        var names = NamesOf(kind);
        if (!names.Contains(trimmed, StringComparer.Ordinal))
        {
            var updated = names.Append(trimmed).ToList();
            await AccessChanged.InvokeAsync(kind == Groups ? Access with { Groups = updated } : Access with { Users = updated });
        }
        // Ready for the next name.
        Box(kind).Typed = null;
        if (Box(kind).Ref is { } box)
        {
            // Suggestions start at the first character (MinCharacters): clearing the box must not list every known
            // name over the Save button below.
            await box.ClearAsync();
            await box.CloseMenuAsync();
        }
    }

    private async Task RemoveAsync(string kind, string name)
    {
        var updated = NamesOf(kind).Where(n => n != name).ToList();
        await AccessChanged.InvokeAsync(kind == Groups ? Access with { Groups = updated } : Access with { Users = updated });
    }

    private Task SetEveryoneAsync(bool everyone) => AccessChanged.InvokeAsync(Access with { Everyone = everyone });

    /// <summary>Enter adds the typed name when no suggestion matches it (otherwise Enter picks the suggestion).</summary>
    private async Task KeyDownAsync(string kind, KeyboardEventArgs e)
    {
        if (e.Key != "Enter" || Box(kind).Typed?.Trim() is not { Length: > 0 } typed) return;
        if (!(await SuggestAsync(kind, typed)).Any()) await AddAsync(kind, typed);
    }

    private sealed class InputBox
    {
        public MudAutocomplete<string>? Ref { get; set; }
        public string? Picked { get; set; }
        public string? Typed { get; set; }
    }
}
