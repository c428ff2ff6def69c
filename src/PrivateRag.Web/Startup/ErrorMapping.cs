using Microsoft.AspNetCore.Diagnostics;
using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;
using PrivateRag.Hosting;

namespace PrivateRag.Web.Startup;

/// <summary>
/// Maps domain errors to problem details with the error's own message, and anything unexpected to a plain 500:
/// callers never see a stack trace.
/// </summary>
public sealed class ErrorMapping(IProblemDetailsService problems, ILogger<ErrorMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            InvalidRequestException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, "Request too large", "The request body is larger than the server accepts."),
            BadHttpRequestException e => (e.StatusCode, "Invalid request", MessageOf(e)),
            PayloadTooLargeException e => (StatusCodes.Status413PayloadTooLarge, "Request too large", e.Message),
            NotFoundException e => (StatusCodes.Status404NotFound, "Not found", e.Message),
            ForbiddenException e => (StatusCodes.Status403Forbidden, "Forbidden", e.Message),
            ConflictException e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "Client closed request", ""),
            _ => (StatusCodes.Status500InternalServerError, "Server error", "The server could not complete the request; the error is in its log."),
        };
        if (status >= 500) logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        if (context.Response.HasStarted || status == 499) return true;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    // Minimal APIs report malformed JSON as a BadHttpRequestException wrapping the parser's message.
    private static string MessageOf(BadHttpRequestException e) =>
        e.InnerException is System.Text.Json.JsonException json ? $"The request body is not valid JSON: {json.Message}" : e.Message;
}
