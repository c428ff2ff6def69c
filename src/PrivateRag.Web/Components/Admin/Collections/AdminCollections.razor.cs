using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Collections;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Admin.Collections;

public partial class AdminCollections : IDisposable
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private CollectionService Collections { get; set; } = default!;

    [Inject] private CollectionRemoval Removal { get; set; } = default!;

    [Inject] private KnownPrincipals Principals { get; set; } = default!;

    [Inject] private ILogger<AdminCollections> Logger { get; set; } = default!;

    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<CollectionSummary> _collections = [];
    private Principals _known = new([], []);
    private bool _loaded;
    private string? _error;
    private string? _notice;
    private MudTextField<string>? _nameField;
    private string? _name;
    private string? _description;
    private CollectionAccessRule _access = new();
    private (Guid Id, string Name)? _editing;
    private Guid? _confirmDelete;
    private bool _busy;
    private (Guid Id, string Name)? _created;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        try
        {
            _known = await Principals.ListAsync(_disposed.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Suggestions are a convenience: names can still be typed.
            Logger.LogWarning(e, "Loading user and group names failed");
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            var who = await CurrentUser.RequireAsync(_disposed.Token);
            _collections = await Collections.ListReadableAsync(who, _disposed.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Listing collections failed");
            _error = UserMessages.For(e);
        }
        _loaded = true;
    }

    /// <summary>What the form says about readers: with "everyone" on, the named groups and users do not matter.</summary>
    private CollectionAccessRule Rule() => _access.Everyone ? new CollectionAccessRule(Everyone: true) : _access with { Everyone = false };

    private async Task<AccessContext> RequireAdminAsync()
    {
        var who = await CurrentUser.RequireAsync(_disposed.Token);
        return who.IsAdmin ? who : throw new ForbiddenException("Only administrators can change collections.");
    }

    private async Task CreateAsync()
    {
        if (_busy || string.IsNullOrWhiteSpace(_name)) return;
        await RunAsync("Creating a collection failed", async () =>
        {
            await RequireAdminAsync();
            var collection = await Collections.CreateAsync(new CreateCollection(_name, _description, Rule()), _disposed.Token);
            _created = (collection.Id, collection.Name);
            ResetForm();
        });
    }

    private async Task EditAsync(CollectionSummary c)
    {
        _created = null;
        _notice = null;
        _confirmDelete = null;
        _editing = (c.Id, c.Name);
        _name = c.Name;
        _description = c.Description;
        _access = c.Access;
        // The form is above the table: take the keyboard there.
        if (_nameField is not null) await _nameField.FocusAsync();
    }

    private async Task SaveAsync()
    {
        if (_busy || _editing is not { } editing || string.IsNullOrWhiteSpace(_name)) return;
        await RunAsync("Saving a collection failed", async () =>
        {
            var who = await RequireAdminAsync();
            await Collections.UpdateDetailsAsync(editing.Id, _name, _description, _disposed.Token);
            // The same call as PUT /api/collections/{id}/access, audit entry included, with this admin as the actor.
            await Collections.UpdateAccessAsync(editing.Id, Rule(), who, _disposed.Token);
            _notice = L["CollectionSaved", _name.Trim()];
            ResetForm();
        });
    }

    private void CancelEdit() => ResetForm();

    private void ResetForm()
    {
        _editing = null;
        _name = _description = null;
        _access = new CollectionAccessRule();
    }

    private async Task DeleteAsync(CollectionSummary c)
    {
        await RunAsync("Deleting a collection failed", async () =>
        {
            var who = await RequireAdminAsync();
            await Removal.DeleteAsync(c.Id, who, _disposed.Token);
            _confirmDelete = null;
            if (_editing?.Id == c.Id) ResetForm();
            _notice = L["CollectionDeleted", c.Name];
        });
    }

    /// <summary>Runs a change, shows its error if any, and reloads the list (and the names to suggest) either way.</summary>
    private async Task RunAsync(string failure, Func<Task> change)
    {
        _busy = true;
        _error = null;
        try
        {
            await change();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "{Failure}", failure);
            _error = UserMessages.For(e);
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
        try
        {
            _known = await Principals.ListAsync(_disposed.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Loading user and group names failed");
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
