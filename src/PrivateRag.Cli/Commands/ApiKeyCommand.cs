using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Identity;

namespace PrivateRag.Cli.Commands;

public static class ApiKeyCommand
{
    public static Command Create()
    {
        var role = new Option<string?>("--role") { Description = "The key acts as an admin or a user without groups." };
        role.AcceptOnlyFromAmong("admin", "user", "Admin", "User");
        var user = new Option<string?>("--user") { Description = "The key acts as this user, with that user's groups." };
        var name = new Option<string>("--name") { Description = "A label for the key.", DefaultValueFactory = _ => "cli" };
        var create = new Command("create", "Create an API key; it is printed once and only its hash is kept.") { role, user, name, GlobalOptions.Json };
        create.Validators.Add(result =>
        {
            if ((result.GetValue(role) is null) == (result.GetValue(user) is null))
                result.AddError("Give exactly one of --role admin|user or --user NAME.");
        });
        create.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var created = await services.GetRequiredService<AccountService>().CreateApiKeyAsync(
                parse.GetValue(name)!, parse.GetValue(role), parse.GetValue(user), ct: ct);
            if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(new { created.Info.Id, created.Info.Role, created.Info.UserName, Key = created.Secret });
            else
            {
                Console.WriteLine(created.Secret);
                await Console.Error.WriteLineAsync($"API key {created.Info.Prefix}… ({created.Info.Role}{(created.Info.UserName is { } u ? $", as {u}" : "")}). It is shown only now.");
            }
            return 0;
        }));

        var list = new Command("list", "List API keys (never the secrets).") { GlobalOptions.Json };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var keys = await services.GetRequiredService<AccountService>().ListApiKeysAsync(ct);
            if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(keys);
            else foreach (var k in keys) Console.WriteLine($"{k.Id}  {k.Prefix}…  {k.Role,-6} {k.UserName ?? "-",-16} {(k.RevokedAt is null ? "active" : "revoked")}  last used {k.LastUsedAt?.ToString("u") ?? "never"}");
            return 0;
        }));

        var id = new Argument<Guid>("id") { Description = "The key's id (from apikey list)." };
        var revoke = new Command("revoke", "Revoke an API key.") { id };
        revoke.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var done = await services.GetRequiredService<AccountService>().RevokeApiKeyAsync(parse.GetValue(id), ct);
            Console.WriteLine(done ? "Revoked." : "No active key with that id.");
            return done ? 0 : 1;
        }));
        return new Command("apikey", "Manage API keys.") { create, list, revoke };
    }
}
