using PrivateRag.Core;

namespace PrivateRag.Web.Components.Shared;

/// <summary>Turns an exception into a sentence for the screen: our own errors say what happened, others never leak.</summary>
public static class UserMessages
{
    public const string Unexpected =
        "Something went wrong on the server. Try again; if it keeps happening, ask your administrator to check the server log.";

    /// <summary>True for errors whose message is written for people (see PrivateRag.Core.Domain).</summary>
    public static bool IsExpected(Exception e) => e is InvalidRequestException or NotFoundException or ConflictException
        or ForbiddenException or PayloadTooLargeException or UnauthorizedAccessException;

    public static string For(Exception e) => IsExpected(e) ? e.Message : Unexpected;
}
