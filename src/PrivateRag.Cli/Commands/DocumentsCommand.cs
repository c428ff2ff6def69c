using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Access;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Storage;

namespace PrivateRag.Cli.Commands;

/// <summary><c>privaterag documents access DOCUMENT --users ... --groups ...</c>: a document's own readers.</summary>
public static class DocumentsCommand
{
    public sealed record AccessJson(Guid DocumentId, string Name, bool Inherits, IReadOnlyList<string> Users, IReadOnlyList<string> Groups);

    public static Command Create()
    {
        var document = new Argument<string>("document") { Description = "The document's id, or its name (unique, or with --collection)." };
        var users = new Option<string[]>("--users") { Description = "Users who may read it (repeat or list several).", AllowMultipleArgumentsPerToken = true };
        var groups = new Option<string[]>("--groups") { Description = "Groups that may read it (repeat or list several).", AllowMultipleArgumentsPerToken = true };
        var inherit = new Option<bool>("--inherit") { Description = "Follow the collection's access again (drops the document's own readers)." };
        var collection = new Option<string?>("--collection") { Description = "The collection to find DOCUMENT by name in." };
        var access = new Command("access",
            "Narrow a document to these users and groups (they must also read its collection), or --inherit. Without " +
            "--users, --groups or --inherit it prints the current access. The chunks' readers change in place: nothing is re-embedded.")
        {
            document, users, groups, inherit, collection, GlobalOptions.Json,
        };
        access.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var id = await ResolveAsync(services, parse.GetValue(document)!, parse.GetValue(collection), ct);
            var documents = services.GetRequiredService<DocumentService>();
            var newUsers = parse.GetValue(users);
            var newGroups = parse.GetValue(groups);
            var clear = parse.GetValue(inherit);
            if (clear && (newUsers is { Length: > 0 } || newGroups is { Length: > 0 }))
                throw new CliException("--inherit cannot be combined with --users or --groups.");
            if (clear) await documents.SetAccessAsync(id, null, AccessContext.System, ct);
            else if (newUsers is not null || newGroups is not null)
                await documents.SetAccessAsync(id, new DocumentAccessRule(newUsers ?? [], newGroups ?? []), AccessContext.System, ct);

            var (info, rule) = (await documents.GetAccessAsync(id, AccessContext.System, ct))!.Value;
            var result = new AccessJson(id, info.Name, rule is null, rule?.Users ?? [], rule?.Groups ?? []);
            if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(result);
            else if (result.Inherits) Console.WriteLine($"'{result.Name}' follows its collection's access.");
            else
            {
                Console.WriteLine($"'{result.Name}' is readable only by users [{string.Join(", ", result.Users)}] and groups " +
                                  $"[{string.Join(", ", result.Groups)}] (who also read its collection), and administrators.");
            }
            return 0;
        }));
        return new Command("documents", "Manage single documents.") { access };
    }

    private static async Task<Guid> ResolveAsync(IServiceProvider services, string document, string? collectionName, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync(ct);
        if (Guid.TryParse(document, out var id))
        {
            if (await db.Documents.AnyAsync(d => d.Id == id, ct)) return id;
            throw new CliException($"No document with id {id}.");
        }
        var query = db.Documents.Where(d => d.Name == document);
        if (collectionName is not null)
        {
            var target = await CollectionResolver.RequireAsync(services, collectionName, ct);
            query = query.Where(d => d.CollectionId == target.Id);
        }
        var ids = await query.Select(d => d.Id).Take(2).ToListAsync(ct);
        return ids.Count switch
        {
            1 => ids[0],
            0 => throw new CliException($"No document named '{document}'{(collectionName is null ? "" : $" in '{collectionName}'")}."),
            _ => throw new CliException($"Several documents are named '{document}': give its id or --collection."),
        };
    }
}
