using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Retrieval;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Components.Admin.Explain;

public partial class AdminExplain
{
    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private AccountService Accounts { get; set; } = default!;

    [Inject] private ExplainService Explainer { get; set; } = default!;

    [Inject] private ILogger<AdminExplain> Logger { get; set; } = default!;

    private IReadOnlyList<UserInfo> _users = [];
    private string? _user;
    private string? _question;
    private Explanation? _result;
    private string? _error;
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        _users = await Accounts.ListUsersAsync();
        _user = _users.FirstOrDefault(u => u.Role != PrivateRag.Core.Identity.Roles.Admin)?.UserName ?? _users.FirstOrDefault()?.UserName;
    }

    private async Task ExplainAsync()
    {
        if (string.IsNullOrWhiteSpace(_user) || string.IsNullOrWhiteSpace(_question)) return;
        _busy = true;
        _error = null;
        try
        {
            _result = await Explainer.ExplainAsync(_user, _question, 10, await CurrentUser.RequireAsync());
        }
        catch (Exception e) when (e is PrivateRag.Core.NotFoundException or PrivateRag.Core.InvalidRequestException or PrivateRag.Core.ForbiddenException)
        {
            _error = e.Message;
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Explain failed");
            _error = "The explanation could not be computed; the error is in the server log.";
        }
        finally
        {
            _busy = false;
        }
    }
}
