using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Identity;

namespace PrivateRag.Cli.Commands;

public static class UsersCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The user name (sign-in name)." };
        var role = new Option<string>("--role") { Description = "admin or user.", DefaultValueFactory = _ => "user" };
        role.AcceptOnlyFromAmong("admin", "user", "Admin", "User");
        var group = new Option<string[]>("--group") { Description = "A group the user belongs to (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var password = new Option<string?>("--password") { Description = "Sets the password (at least 8 characters); without it the user cannot sign in with a password." };
        var add = new Command("add", "Add a local user, or update role, groups and password of an existing one.") { name, role, group, password };
        add.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var user = await services.GetRequiredService<AccountService>().AddOrUpdateUserAsync(
                parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(group) ?? [], parse.GetValue(password), ct);
            Console.WriteLine($"User '{user.UserName}' ({user.Role}) groups: {(user.Groups.Count == 0 ? "none" : string.Join(", ", user.Groups))}; password: {(user.HasPassword ? "set" : "not set")}.");
            return 0;
        }));

        var list = new Command("list", "List local users.") { GlobalOptions.Json };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            var users = await services.GetRequiredService<AccountService>().ListUsersAsync(ct);
            if (parse.GetValue(GlobalOptions.Json)) CliOutput.WriteJson(users);
            else foreach (var u in users) Console.WriteLine($"{u.UserName,-24} {u.Role,-6} {State(u),-9} {string.Join(", ", u.Groups)}");
            return 0;
        }));
        return new Command("users", "Manage local accounts.")
        {
            add, list,
            Action("unlock", "Clear the wrong-password count and lockout of an account.", AccountAction.Unlock),
            Action("disable", "Disable an account: it cannot sign in, its sessions end and its keys stop.", AccountAction.Disable),
            Action("enable", "Enable a disabled account again (and clear its lockout).", AccountAction.Enable),
            Action("signout-everywhere", "End every session of an account (cookies and open pages).", AccountAction.SignOutEverywhere),
        };
    }

    /// <summary>An administrator's action on one account, as <c>POST /api/users/{name}/...</c> does it.</summary>
    private static Command Action(string verb, string description, AccountAction action)
    {
        var name = new Argument<string>("name") { Description = "The user name." };
        var command = new Command(verb, description) { name };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse.GetValue(GlobalOptions.Data), parse.GetValue(GlobalOptions.Verbose), ct, async services =>
        {
            // The operator on the data folder's machine acts as the system administrator.
            var user = await services.GetRequiredService<AccountService>().ApplyAsync(PrivateRag.Core.Access.AccessContext.System, parse.GetValue(name)!, action, ct);
            Console.WriteLine($"User '{user.UserName}': {State(user)}.");
            return 0;
        }));
        return command;
    }

    private static string State(UserInfo u) => u.Disabled ? "disabled" : u.LockedUntil is not null ? "locked" : "active";
}
