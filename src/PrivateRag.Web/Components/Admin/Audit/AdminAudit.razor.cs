using Microsoft.AspNetCore.Components;
using PrivateRag.Core.Audit;

namespace PrivateRag.Web.Components.Admin.Audit;

public partial class AdminAudit
{
    [Inject] private StoreAuditLog Audit { get; set; } = default!;

    [Inject] private PrivateRag.Web.Auth.CurrentUser CurrentUser { get; set; } = default!;

    private const int PageSize = 50;
    private string? _kind;
    private string? _user;
    private AuditPage? _page;
    private string? _error;

    protected override Task OnInitializedAsync() => LoadAsync(1);

    /// <summary>Each load asks who the caller is now; the audit log itself refuses a caller who is no longer an admin.</summary>
    private async Task LoadAsync(int page)
    {
        try
        {
            _error = null;
            _page = await Audit.QueryAsync(new AuditQuery(
                string.IsNullOrEmpty(_kind) ? null : _kind,
                string.IsNullOrWhiteSpace(_user) ? null : _user.Trim(),
                Page: page, PageSize: PageSize), await CurrentUser.RequireAsync());
        }
        catch (Exception e) when (PrivateRag.Web.Components.Shared.UserMessages.IsExpected(e))
        {
            _page = null;
            _error = e.Message;
        }
    }
}
