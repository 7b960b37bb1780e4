export * from '@ssekit/core';
