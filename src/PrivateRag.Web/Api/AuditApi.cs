using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Api;

/// <summary><c>GET /api/audit</c>: the audit log, newest first, for admins.</summary>
public static class AuditApi
{
    public static RouteHandlerBuilder MapAuditApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/audit", ListAsync).RequireAuthorization(Policies.Admin).WithTags("Audit");

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<AuditPage>> ListAsync(
        string? kind, string? user, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, StoreAuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (kind is not null && !AuditKinds.All.Contains(kind))
            throw new InvalidRequestException($"Unknown kind '{kind}'; use one of {string.Join(", ", AuditKinds.All)}.");
        if (pageSize is < 1 or > 500) throw new InvalidRequestException("'pageSize' must be between 1 and 500.");
        if (page is < 1) throw new InvalidRequestException("'page' starts at 1.");
        return TypedResults.Ok(await audit.QueryAsync(new AuditQuery(kind, user, from, to, page ?? 1, pageSize ?? 50), await http.RequireAccessAsync(), ct));
    }
}
