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

    protected override Task OnInitializedAsync() => LoadAsync(1);

    private async Task LoadAsync(int page) =>
        _page = await Audit.QueryAsync(new AuditQuery(
            string.IsNullOrEmpty(_kind) ? null : _kind,
            string.IsNullOrWhiteSpace(_user) ? null : _user.Trim(),
            Page: page, PageSize: PageSize), await CurrentUser.RequireAsync());
}
