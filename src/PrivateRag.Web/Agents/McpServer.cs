using System.Text.Json;
using ModelContextProtocol;
using PrivateRag.Web.Auth;

namespace PrivateRag.Web.Agents;

/// <summary>
/// The Model Context Protocol server at <c>/mcp</c> (streamable HTTP, stateless): agents in IDEs and desktop assistants
/// search and ask the documents as the person whose API key or Entra token they send. See docs/agents.md.
/// </summary>
public static class McpServer
{
    public const string Path = "/mcp";

    public static IServiceCollection AddPrivateRagMcp(this IServiceCollection services)
    {
        services.AddMcpServer(o =>
            {
                o.ServerInfo = new() { Name = "PrivateRag", Version = typeof(McpServer).Assembly.GetName().Version?.ToString() ?? "1.0" };
                o.ServerInstructions =
                    "Company documents, searched with the caller's own permissions. Use search for passages, ask for a cited " +
                    "answer, read_passage to check a passage in context, list_collections to see what exists. Quote the " +
                    "document and page of what you use; if the tools find nothing, say so instead of guessing.";
            })
            // Stateless: every message is its own request, authenticated and authorised afresh; no session outlives a
            // revoked key, and any web node can serve any message.
            .WithHttpTransport(o => o.Stateless = true)
            // A fresh copy of the SDK's options per registration: building the tool schemas changes the options they are
            // given (Microsoft.Extensions.AI), which a shared instance would carry into the next app built in this process.
            .WithTools<McpTools>(new JsonSerializerOptions(McpJsonUtilities.DefaultOptions));
        return services;
    }

    /// <summary>Maps <c>/mcp</c> behind the bearer policy: an API key or Entra token, never the browser's cookie.</summary>
    public static IEndpointConventionBuilder MapPrivateRagMcp(this IEndpointRouteBuilder routes) =>
        routes.MapMcp(Path).RequireAuthorization(Policies.Bearer).WithTags("Agents");
}
