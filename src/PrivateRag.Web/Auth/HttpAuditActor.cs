using System.Security.Claims;
using PrivateRag.Core.Audit;

namespace PrivateRag.Web.Auth;

/// <summary>The audit log's "who" when a service does not pass one: the subject of the current HTTP request.</summary>
public sealed class HttpAuditActor(IHttpContextAccessor http) : IAuditActor
{
    public string? CurrentSubject => http.HttpContext?.User is { Identity.IsAuthenticated: true } user
        ? user.FindFirstValue(PrivateRagClaims.Subject) ?? user.Identity?.Name
        : null;
}
