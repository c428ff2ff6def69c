using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Core;

/// <summary>The request is malformed or breaks a rule; the message is shown to the caller as it is.</summary>
public sealed class InvalidRequestException(string message) : Exception(message);

/// <summary>The thing does not exist, or the caller may not know that it exists.</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>The request clashes with existing state (a duplicate name, say).</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>The caller is known but may not do this.</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>The request or file is over a configured size limit; the message names the limit.</summary>
public sealed class PayloadTooLargeException(string message) : Exception(message);
