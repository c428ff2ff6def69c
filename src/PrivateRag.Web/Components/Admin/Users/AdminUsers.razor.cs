using System.Globalization;
using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Admin.Users;

public partial class AdminUsers
{
    [Inject] private AccountService Accounts { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private ILogger<AdminUsers> Logger { get; set; } = default!;

    private IReadOnlyList<UserInfo> _users = [];
    private string? _error;
    private string? _status;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            // The caller is checked for the role on every load, not only by the page's attribute when it opened.
            var who = await CurrentUser.RequireAsync();
            if (!who.IsAdmin) throw new PrivateRag.Core.ForbiddenException("The user list is for administrators.");
            _users = await Accounts.ListUsersAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Loading the users failed");
            _error = UserMessages.For(e);
        }
    }

    private async Task ApplyAsync(UserInfo user, AccountAction action)
    {
        _error = null;
        try
        {
            var changed = await Accounts.ApplyAsync(await CurrentUser.RequireAsync(), user.UserName, action);
            _status = $"{changed.UserName}: {StateText(changed)}";
            await LoadAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!UserMessages.IsExpected(e)) Logger.LogError(e, "Changing user {UserName} failed", user.UserName);
            _error = UserMessages.For(e);
        }
    }

    private static string State(UserInfo u) => u.Disabled ? "disabled" : u.LockedUntil is not null ? "locked" : "active";

    private static string StateText(UserInfo u) =>
        u.Disabled ? "disabled"
        : u.LockedUntil is { } until ? string.Create(CultureInfo.InvariantCulture, $"locked until {until.UtcDateTime:HH:mm:ss} UTC")
        : "active";
}
